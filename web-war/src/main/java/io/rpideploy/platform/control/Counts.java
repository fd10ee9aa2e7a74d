package io.rpideploy.platform.control;

/** A count with its noun as English writes it: "1 board", "2 boards", "0 boards"; "1 entry", "3 entries". */
public final class Counts {

    private Counts() {
    }

    /** The count and the noun, plural by the regular rule (a consonant and y: ies; s, x, ch, sh: es; else s). */
    public static String of(long count, String singular) {
        return count + " " + (count == 1 ? singular : plural(singular));
    }

    /** The noun alone, singular for 1: "3 of 5 " + noun(5, "board"). */
    public static String noun(long count, String singular) {
        return count == 1 ? singular : plural(singular);
    }

    static String plural(String noun) {
        int n = noun.length();
        if (n > 1 && noun.endsWith("y") && "aeiou".indexOf(noun.charAt(n - 2)) < 0) {
            return noun.substring(0, n - 1) + "ies";
        }
        if (noun.endsWith("s") || noun.endsWith("x") || noun.endsWith("ch") || noun.endsWith("sh")) {
            return noun + "es";
        }
        return noun + "s";
    }
}
