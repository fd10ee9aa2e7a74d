package io.rpideploy.hostnames.control;

import io.rpideploy.hostnames.entity.Product;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.venues.control.VenueRules;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The naming rules of the plan (Phase 6) as pure functions: venue codes, kart numbers, board identities and the
 * hostnames built from them. Every input the API or the console accepts passes through here.
 */
public final class HostnameRules {

    public static final int MIN_KART = 1;
    public static final int MAX_KART = 999;
    /** RXP2 hostnames end with this many characters of the board serial. */
    public static final int SERIAL_SUFFIX = 8;

    private static final Pattern SERIAL = Pattern.compile("[A-Za-z0-9]{4,64}");
    private static final Pattern MAC = Pattern.compile(
            "[0-9A-Fa-f]{2}([:-]?)[0-9A-Fa-f]{2}(\\1[0-9A-Fa-f]{2}){4}");

    private HostnameRules() {
    }

    /** A venue code: the venue's own rule ({@link VenueRules#code}); hostnames use venues, never the other way round. */
    public static String venueCode(String text, String field) {
        return VenueRules.code(text, field);
    }

    public static Product product(String text, String field) {
        if (text == null || text.isBlank()) {
            throw DomainException.invalid(field, "Product type is required (KXP2 or RXP2)");
        }
        return Product.parse(text).orElseThrow(() -> DomainException.invalid(field,
                "Unknown product type '" + shorten(text.trim()) + "': use KXP2 or RXP2"));
    }

    /** A board serial as the Pi reports it (e.g. 16 hex digits), kept lower-case; null when absent. */
    public static String serial(String text, String field) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String serial = text.trim();
        if (!SERIAL.matcher(serial).matches()) {
            throw DomainException.invalid(field, "Serial number must be 4 to 64 letters or digits, got '"
                    + shorten(serial) + "'");
        }
        return serial.toLowerCase(Locale.ROOT);
    }

    /** A MAC address in any common notation, kept as lower-case colon-separated pairs; null when absent. */
    public static String mac(String text, String field) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String mac = text.trim();
        if (!MAC.matcher(mac).matches()) {
            throw DomainException.invalid(field, "MAC address must look like 2c:cf:67:12:34:56, got '"
                    + shorten(mac) + "'");
        }
        String hex = mac.replaceAll("[:-]", "").toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(17);
        for (int i = 0; i < 12; i += 2) {
            if (i > 0) {
                out.append(':');
            }
            out.append(hex, i, i + 2);
        }
        return out.toString();
    }

    /** The kart number's identifier: zero-padded to 3 digits. */
    public static String kartIdentifier(int number) {
        if (number < MIN_KART || number > MAX_KART) {
            throw DomainException.invalid("numbers", "Kart number " + number + " is outside " + MIN_KART + ".."
                    + MAX_KART);
        }
        return String.format(Locale.ROOT, "%03d", number);
    }

    /** The RXP2 identifier: the last 8 characters of the serial, upper-case (all of it when shorter). */
    public static String serialIdentifier(String serial) {
        String tail = serial.length() > SERIAL_SUFFIX ? serial.substring(serial.length() - SERIAL_SUFFIX) : serial;
        return tail.toUpperCase(Locale.ROOT);
    }

    public static String hostname(Product product, String venueCode, String identifier) {
        return product.name() + "-" + venueCode + "-" + identifier;
    }

    /** Splits a hostname into its three parts; rejects anything that is not PRODUCT-VENUE-ID. */
    public static ParsedHostname parse(String hostname, String field) {
        if (hostname == null || hostname.isBlank()) {
            throw DomainException.invalid(field, "Hostname is required");
        }
        String[] parts = hostname.trim().split("-");
        if (parts.length != 3) {
            throw DomainException.invalid(field, "Hostname must look like KXP2-CORO-001 or RXP2-CORO-ABC12345, got '"
                    + shorten(hostname.trim()) + "'");
        }
        Product product = product(parts[0], field);
        String venue = venueCode(parts[1], field);
        String identifier = parts[2].toUpperCase(Locale.ROOT);
        return new ParsedHostname(product, venue, identifier, hostname(product, venue, identifier));
    }

    /** The parts of a hostname, normalised. */
    public record ParsedHostname(Product product, String venueCode, String identifier, String hostname) {
    }

    static String shorten(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }
}
