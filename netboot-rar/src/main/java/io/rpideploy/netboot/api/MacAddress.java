package io.rpideploy.netboot.api;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An Ethernet MAC address, normalised to lower-case colon form {@code 2c:cf:67:12:34:56}.
 *
 * @param value the colon form ({@link #of} normalises the other notations)
 */
public record MacAddress(String value) {

    /** Pairs with one separator throughout (colons, dashes or none); a mix is a typing error, not an address. */
    private static final Pattern NOTATION = Pattern.compile("[0-9a-f]{2}([:-]?)[0-9a-f]{2}(\\1[0-9a-f]{2}){4}");
    private static final Pattern COLONS = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");
    private static final String WHAT = "a MAC address (like 2c:cf:67:12:34:56)";

    public MacAddress {
        IdentityText.checked(COLONS, value, WHAT);
    }

    /**
     * {@code aa:bb:cc:dd:ee:ff}, {@code aa-bb-...} or 12 bare hex digits, any case, surrounding blanks ignored.
     *
     * @throws IllegalArgumentException when it is not one
     */
    public static MacAddress of(String text) {
        return IdentityText.required(parse(text), text, WHAT);
    }

    /** As {@link #of} but null for anything that is not a MAC address. */
    public static MacAddress parse(String text) {
        String t = IdentityText.folded(text);
        if (t == null || !NOTATION.matcher(t).matches()) {
            return null;
        }
        String hex = t.replace(":", "").replace("-", "");
        StringBuilder s = new StringBuilder(17);
        for (int i = 0; i < 12; i += 2) {
            if (i > 0) {
                s.append(':');
            }
            s.append(hex, i, i + 2);
        }
        return new MacAddress(s.toString());
    }

    /** From 6 bytes (a DHCP chaddr). */
    public static MacAddress of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length < 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes, not " + bytes.length);
        }
        return new MacAddress(String.format("%02x:%02x:%02x:%02x:%02x:%02x", bytes[0], bytes[1], bytes[2],
                bytes[3], bytes[4], bytes[5]));
    }

    /** The first three bytes (the vendor's OUI), {@code 2c:cf:67}. */
    public String oui() {
        return value.substring(0, 8);
    }

    /** With dashes, as a Pi with {@code TFTP_PREFIX=2} asks ({@code 2c-cf-67-12-34-56}). */
    public String dashed() {
        return value.replace(':', '-');
    }

    /** The colon form, as stored and shown. */
    @Override
    public String toString() {
        return value;
    }
}
