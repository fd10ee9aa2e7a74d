package io.rpideploy.reports.control;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Why a run did not succeed, as a short text that runs failing the same way share: what varies between boards
 * (numbers, addresses, serials, checksums, the detail after a colon or in brackets) is taken out, so "download of
 * http://…/a.img failed at byte 5123" and "… at byte 77" count as one reason.
 */
public final class FailureReasons {

    /** Words kept of a reason: enough to tell causes apart, short enough for a table cell. */
    static final int MAX_WORDS = 8;
    static final int MAX_LENGTH = 80;
    static final String NO_REASON = "no reason given";

    private static final Pattern URL = Pattern.compile("\\b[a-zA-Z][a-zA-Z0-9+.-]*://\\S+");
    /** Serials, MACs, checksums: 8 or more hex digits and colons with at least one digit. */
    private static final Pattern HEX = Pattern.compile("\\b(?=[0-9a-fA-F:]*[0-9])[0-9a-fA-F]{2}[0-9a-fA-F:]{6,}\\b");
    private static final Pattern PATH = Pattern.compile("(?<=\\s|^)/\\S+");
    /** A number standing alone ("byte 5123"), not one inside a name ("SHA-256", "mmcblk0"). */
    private static final Pattern NUMBER = Pattern.compile("(?<![\\w-])\\d+(?:[.,]\\d+)*(?![\\w-])");
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private FailureReasons() {
    }

    /**
     * The reason of a run that ended {@code failed} or {@code interrupted}. The project's installer sends the cause
     * (its exit code's meaning) as {@code message} and the detail as {@code error_message}: the cause is the
     * reason. The plan's script sends the exception text as both; then its text, shortened, is the reason.
     * Interrupted runs were ended by the server (the board went silent or started over): their reasons say so.
     */
    public static String of(String status, String message, String errorMessage) {
        if ("interrupted".equals(status)) {
            return "interrupted: " + shorten(present(message) ? message : errorMessage);
        }
        if (present(message) && present(errorMessage) && !same(message, errorMessage) && words(message) >= 2) {
            return shorten(message);
        }
        return shorten(present(errorMessage) ? errorMessage : message);
    }

    /** The grouping key: reasons differing only in case are one. */
    public static String key(String reason) {
        return reason.toLowerCase(Locale.ROOT);
    }

    static String shorten(String text) {
        if (!present(text)) {
            return NO_REASON;
        }
        String reason = text.strip();
        reason = URL.matcher(reason).replaceAll("…");
        reason = cutAt(reason, ": ");
        reason = cutAt(reason, " (");
        reason = HEX.matcher(reason).replaceAll("…");
        reason = PATH.matcher(reason).replaceAll("…");
        reason = NUMBER.matcher(reason).replaceAll("N");
        String[] words = SPACES.split(reason.strip());
        StringBuilder kept = new StringBuilder();
        for (int i = 0; i < Math.min(words.length, MAX_WORDS); i++) {
            kept.append(i == 0 ? "" : " ").append(words[i]);
        }
        String result = kept.toString().replaceAll("[\\s.,;:!-]+$", "");
        if (result.length() > MAX_LENGTH) {
            result = result.substring(0, MAX_LENGTH - 1) + "…";
        }
        return result.isEmpty() ? NO_REASON : result;
    }

    /** The text before {@code separator} when something stands before it (the detail after it varies by board). */
    private static String cutAt(String text, String separator) {
        int at = text.indexOf(separator);
        return at > 0 ? text.substring(0, at) : text;
    }

    private static boolean present(String text) {
        return text != null && !text.isBlank();
    }

    private static boolean same(String a, String b) {
        return a.strip().equalsIgnoreCase(b.strip());
    }

    private static int words(String text) {
        return SPACES.split(text.strip()).length;
    }
}
