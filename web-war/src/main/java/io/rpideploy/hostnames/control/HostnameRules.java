package io.rpideploy.hostnames.control;

import io.rpideploy.hostnames.entity.Product;
import io.rpideploy.netboot.api.MacAddress;
import io.rpideploy.netboot.api.SerialNumber;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.platform.control.TextRules;
import io.rpideploy.venues.control.VenueRules;
import java.util.Locale;

/**
 * The naming rules of the plan (Phase 6) as pure functions: venue codes, kart numbers, board identities and the
 * hostnames built from them. Every input the API or the console accepts passes through here.
 */
public final class HostnameRules {

    public static final int MIN_KART = 1;
    public static final int MAX_KART = 999;
    /** A slot's notes ("sticker replaced", "kart in repair"): a line or two, printable text only. */
    public static final int MAX_NOTES = 500;
    /** A search for part of a hostname or serial; longer is no hostname or serial. */
    public static final int MAX_QUERY = 64;

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

    /**
     * A board serial as a client reports it (e.g. the 16 hex digits of a Pi); null when absent. The format and the
     * RXP2 suffix are {@link SerialNumber}'s.
     */
    public static SerialNumber serial(String text, String field) {
        if (text == null || text.isBlank()) {
            return null;
        }
        SerialNumber serial = SerialNumber.parse(text);
        if (serial == null) {
            throw DomainException.invalid(field, "Serial number must be 4 to 64 letters or digits, got '"
                    + shorten(text.trim()) + "'");
        }
        return serial;
    }

    /** A MAC address in any common notation ({@link MacAddress}); null when absent. */
    public static MacAddress mac(String text, String field) {
        if (text == null || text.isBlank()) {
            return null;
        }
        MacAddress mac = MacAddress.parse(text);
        if (mac == null) {
            throw DomainException.invalid(field, "MAC address must look like 2c:cf:67:12:34:56, got '"
                    + shorten(text.trim()) + "'");
        }
        return mac;
    }

    /** The kart number's identifier: zero-padded to 3 digits. */
    public static String kartIdentifier(int number) {
        if (number < MIN_KART || number > MAX_KART) {
            throw DomainException.invalid("numbers", "Kart number " + number + " is outside " + MIN_KART + ".."
                    + MAX_KART);
        }
        return String.format(Locale.ROOT, "%03d", number);
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

    /** A slot's notes: trimmed, null when blank; control and text-direction characters refused as in names. */
    public static String notes(String text) {
        return TextRules.multiline("notes", "Notes", text, MAX_NOTES);
    }

    /**
     * Part of a hostname or board serial searched for, as a lower-case LIKE pattern; null for "everything". % and _
     * are LIKE's wildcards, which neither ever holds: dropped rather than matched.
     */
    public static String searchPattern(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String q = text.strip().toLowerCase(Locale.ROOT);
        if (q.length() > MAX_QUERY) {
            throw DomainException.invalid("q", "Search for at most " + MAX_QUERY + " characters of a hostname or"
                    + " serial");
        }
        String problem = TextRules.problem(q, false);
        if (problem != null) {
            throw DomainException.invalid("q", "The search " + problem);
        }
        return "%" + q.replace("%", "").replace("_", "") + "%";
    }

    /** The parts of a hostname, normalised. */
    public record ParsedHostname(Product product, String venueCode, String identifier, String hostname) {
    }

    static String shorten(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }
}
