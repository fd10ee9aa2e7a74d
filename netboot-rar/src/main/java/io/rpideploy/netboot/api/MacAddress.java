package io.rpideploy.netboot.api;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/** An Ethernet MAC address, normalised to lower-case colon form {@code 2c:cf:67:12:34:56}. */
public final class MacAddress implements Comparable<MacAddress> {

    /** Pairs with one separator throughout (colons, dashes or none); a mix is a typing error, not an address. */
    private static final Pattern FORM = Pattern.compile("[0-9a-f]{2}([:-]?)[0-9a-f]{2}(\\1[0-9a-f]{2}){4}");

    private final String value;

    private MacAddress(String value) {
        this.value = value;
    }

    /**
     * {@code aa:bb:cc:dd:ee:ff}, {@code aa-bb-...} or 12 bare hex digits, any case, surrounding blanks ignored.
     *
     * @throws IllegalArgumentException when it is not one
     */
    public static MacAddress of(String text) {
        MacAddress m = parse(text);
        if (m == null) {
            throw new IllegalArgumentException("'" + text + "' is not a MAC address (like 2c:cf:67:12:34:56)");
        }
        return m;
    }

    /** As {@link #of} but null for anything that is not a MAC address. */
    public static MacAddress parse(String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (!FORM.matcher(t).matches()) {
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

    public String value() {
        return value;
    }

    /** The first three bytes (the vendor's OUI), {@code 2c:cf:67}. */
    public String oui() {
        return value.substring(0, 8);
    }

    /** With dashes, as a Pi with {@code TFTP_PREFIX=2} asks ({@code 2c-cf-67-12-34-56}). */
    public String dashed() {
        return value.replace(':', '-');
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MacAddress other && value.equals(other.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public int compareTo(MacAddress o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
