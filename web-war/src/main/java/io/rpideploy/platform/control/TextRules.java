package io.rpideploy.platform.control;

/**
 * What free text (names, locations, notes, descriptions) may hold: printable characters only. Control characters
 * would break logs and CSV lines; bidirectional overrides and isolates make a name display as something else than
 * it is (CVE-2021-42574, "Trojan Source"); a lone UTF-16 surrogate is not a character and breaks encoders later.
 */
public final class TextRules {

    private TextRules() {
    }

    /** The trimmed text, or null when blank; refused when too long or holding a character above. */
    public static String line(String field, String label, String text, int max) {
        return check(field, label, text, max, false);
    }

    /** As {@link #line} but line breaks and tabs are allowed (notes, descriptions). */
    public static String multiline(String field, String label, String text, int max) {
        return check(field, label, text, max, true);
    }

    private static String check(String field, String label, String text, int max, boolean breaks) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String value = text.strip();
        if (value.length() > max) {
            throw DomainException.invalid(field, label + " is longer than " + max + " characters");
        }
        String problem = problem(value, breaks);
        if (problem != null) {
            throw DomainException.invalid(field, label + " " + problem);
        }
        return value;
    }

    /** Why this text is refused, or null when it is fine. */
    public static String problem(String value, boolean breaks) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "holds a broken character (a lone UTF-16 surrogate)";
            }
            if (Character.isLowSurrogate(c)) {
                return "holds a broken character (a lone UTF-16 surrogate)";
            }
            if (breaks && (c == '\n' || c == '\t' || c == '\r')) {
                continue;
            }
            if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
                return "must not hold control characters";
            }
            if (isBidiControl(c)) {
                return "must not hold text-direction control characters";
            }
        }
        return null;
    }

    private static boolean isBidiControl(char c) {
        return c == '\u061c' || c == '\u200e' || c == '\u200f' || (c >= '\u202a' && c <= '\u202e')
                || (c >= '\u2066' && c <= '\u2069');
    }
}
