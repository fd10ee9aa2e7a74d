package io.rpideploy.hostnames.control;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads kart numbers as people write them: {@code 1-50, 55, 60-70}, one per CSV cell or line, or a JSON list.
 * Every bad item is reported on its own; good items are kept in the order given, duplicates counted once each.
 */
public final class KartNumberParser {

    private static final Pattern SEPARATORS = Pattern.compile("[,;\\s]+");
    private static final Pattern NUMBER = Pattern.compile("\\d{1,9}");
    private static final Pattern RANGE = Pattern.compile("(\\d{1,9})\\s*[-–]\\s*(\\d{1,9})");

    private KartNumberParser() {
    }

    /** Parses items, each of which may hold several comma- or space-separated numbers and ranges. */
    public static Parsed parse(Collection<String> items) {
        Set<String> identifiers = new LinkedHashSet<>();
        List<Invalid> invalid = new ArrayList<>();
        int duplicates = 0;
        for (String item : items) {
            if (item == null) {
                invalid.add(new Invalid("null", "not a number"));
                continue;
            }
            for (String token : tokens(item)) {
                Matcher range = RANGE.matcher(token);
                if (range.matches()) {
                    int from = Integer.parseInt(range.group(1));
                    int to = Integer.parseInt(range.group(2));
                    String problem = rangeProblem(from, to);
                    if (problem != null) {
                        invalid.add(new Invalid(token, problem));
                        continue;
                    }
                    for (int n = from; n <= to; n++) {
                        if (!identifiers.add(HostnameRules.kartIdentifier(n))) {
                            duplicates++;
                        }
                    }
                } else if (NUMBER.matcher(token).matches()) {
                    int n = Integer.parseInt(token);
                    if (n < HostnameRules.MIN_KART || n > HostnameRules.MAX_KART) {
                        invalid.add(new Invalid(token, "kart numbers go from " + HostnameRules.MIN_KART + " to "
                                + HostnameRules.MAX_KART));
                    } else if (!identifiers.add(HostnameRules.kartIdentifier(n))) {
                        duplicates++;
                    }
                } else {
                    invalid.add(new Invalid(HostnameRules.shorten(token),
                            "not a kart number or a range like 60-70"));
                }
            }
        }
        return new Parsed(List.copyOf(identifiers), duplicates, List.copyOf(invalid));
    }

    /** Splits on commas, semicolons and white space, but keeps "60 - 70" together as one range. */
    static List<String> tokens(String item) {
        String joined = item.trim().replaceAll("\\s*([-–])\\s*", "$1");
        List<String> tokens = new ArrayList<>();
        for (String token : SEPARATORS.split(joined)) {
            if (!token.isEmpty()) {
                tokens.add(token);
            }
        }
        return tokens;
    }

    private static String rangeProblem(int from, int to) {
        if (from > to) {
            return "range goes backwards (" + from + " > " + to + ")";
        }
        if (from < HostnameRules.MIN_KART || to > HostnameRules.MAX_KART) {
            return "kart numbers go from " + HostnameRules.MIN_KART + " to " + HostnameRules.MAX_KART;
        }
        return null;
    }

    /** What was read: identifiers in order (zero-padded), how many repeats, and the items that were not numbers. */
    public record Parsed(List<String> identifiers, int duplicates, List<Invalid> invalid) {
    }

    /** One rejected item and why. */
    public record Invalid(String item, String message) {
    }
}
