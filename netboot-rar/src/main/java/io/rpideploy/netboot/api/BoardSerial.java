package io.rpideploy.netboot.api;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A Raspberry Pi board's serial number, normalised to lower-case hex. {@code /proc/cpuinfo} shows 16 digits (Pi 4:
 * {@code 10000000xxxxxxxx}); the bootloader's TFTP prefix and DHCP option 97 carry only the low 32 bits as 8 digits
 * (pi5-netboot.md section 5). That suffix is the board's key before any OS runs and the RXP2 hostname's last part;
 * the rule is {@link SerialNumber}'s (the serial a client reports), which this one's suffix follows.
 */
public final class BoardSerial implements Comparable<BoardSerial> {

    /** Digits of the suffix: the low 32 bits. */
    public static final int SUFFIX_LENGTH = SerialNumber.SUFFIX_LENGTH;
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{8,16}");
    private static final Pattern SUFFIX = Pattern.compile("[0-9a-f]{8}");

    private final String value;

    private BoardSerial(String value) {
        this.value = value;
    }

    /**
     * A serial as a board or an operator wrote it: 8 to 16 hex digits, optionally {@code 0x}-prefixed, any case,
     * surrounding blanks ignored.
     *
     * @throws IllegalArgumentException when it is not one
     */
    public static BoardSerial of(String text) {
        BoardSerial s = parse(text);
        if (s == null) {
            throw new IllegalArgumentException("'" + text + "' is not a board serial (8 to 16 hex digits)");
        }
        return s;
    }

    /** As {@link #of} but null for anything that is not a serial. */
    public static BoardSerial parse(String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("0x")) {
            t = t.substring(2);
        }
        return HEX.matcher(t).matches() ? new BoardSerial(t) : null;
    }

    /** Exactly 8 lower-case hex digits (a TFTP prefix), else null: no case folding, as the bootloader asks. */
    public static BoardSerial parseSuffix(String text) {
        return text != null && SUFFIX.matcher(text).matches() ? new BoardSerial(text) : null;
    }

    /** The serial as known, 8 to 16 lower-case hex digits. */
    public String value() {
        return value;
    }

    /** The low 32 bits as 8 lower-case hex digits: the TFTP prefix, option 97's serial, the RXP2 suffix. */
    public String suffix() {
        return SerialNumber.suffixOf(value);
    }

    /** The same serial as a client reports it to the deployment API. */
    public SerialNumber serialNumber() {
        return SerialNumber.of(value);
    }

    /** Whether this is only the 8-digit suffix (as DHCP and TFTP see a board), not the full serial. */
    public boolean isSuffixOnly() {
        return value.length() == SUFFIX_LENGTH;
    }

    /** Same board as far as both serials tell: equal suffixes. */
    public boolean sameBoard(BoardSerial other) {
        return other != null && suffix().equals(other.suffix());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BoardSerial other && value.equals(other.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public int compareTo(BoardSerial o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
