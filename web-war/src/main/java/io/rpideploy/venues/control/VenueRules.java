package io.rpideploy.venues.control;

import io.rpideploy.platform.control.DomainException;
import io.rpideploy.platform.control.TextRules;
import java.util.Locale;
import java.util.regex.Pattern;

/** Checks on a venue's descriptive fields (the code's rules live in HostnameRules, beside the names it builds). */
public final class VenueRules {

    static final int MAX_NAME = 100;
    static final int MAX_LOCATION = 200;
    static final int MAX_EMAIL = 254;
    // Deliberately simple: one @, no spaces, a dot in the domain. Full RFC 5322 parsing rejects nothing useful here.
    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9]{4}");
    // No markup or quoting characters either: an address is shown and exported, never interpreted.
    private static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9.!#$%&*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");

    private VenueRules() {
    }

    /** A venue code: exactly 4 letters or digits, stored upper-case (the plan's naming rules). */
    public static String code(String text, String field) {
        if (text == null || text.isBlank()) {
            throw DomainException.invalid(field, "Venue code is required");
        }
        String code = text.trim();
        if (!CODE.matcher(code).matches()) {
            throw DomainException.invalid(field, "Venue code must be exactly 4 letters or digits, got '"
                    + (code.length() > 40 ? code.substring(0, 40) + "…" : code) + "'");
        }
        return code.toUpperCase(Locale.ROOT);
    }

    public static String name(String text) {
        if (text == null || text.isBlank()) {
            throw DomainException.invalid("name", "Venue name is required");
        }
        return TextRules.line("name", "Venue name", text, MAX_NAME);
    }

    public static String location(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        return TextRules.line("location", "Location", text, MAX_LOCATION);
    }

    public static String contactEmail(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String email = text.trim();
        if (email.length() > MAX_EMAIL || !EMAIL.matcher(email).matches()) {
            throw DomainException.invalid("contact_email", "Contact e-mail '" + email
                    + "' is not an e-mail address like name@example.com");
        }
        return email;
    }
}
