package io.rpideploy.netboot.api;

import java.util.Locale;
import java.util.regex.Pattern;

/** What the board identity types share: their text is checked once, on the way in. */
final class IdentityText {

    private IdentityText() {
    }

    /** A record's value, as its canonical constructor takes it: already in the normalised {@code form}. */
    static String checked(Pattern form, String value, String what) {
        if (value == null || !form.matcher(value).matches()) {
            throw new IllegalArgumentException("'" + value + "' is not " + what + " in normalised form");
        }
        return value;
    }

    /** Text as typed or sent, for a {@code parse} to match: blanks around it dropped, lower-case; null stays null. */
    static String folded(String text) {
        return text == null ? null : text.trim().toLowerCase(Locale.ROOT);
    }

    /** The result of a {@code parse}, or the error that {@code of} owes its caller. */
    static <T> T required(T parsed, String text, String what) {
        if (parsed == null) {
            throw new IllegalArgumentException("'" + text + "' is not " + what);
        }
        return parsed;
    }
}
