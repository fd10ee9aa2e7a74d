package io.rpideploy.netboot.api;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A board's serial number as a client reports it to the deployment API (plan, Phase 8.1): 4 to 64 letters or digits,
 * kept lower-case. A Pi's installer sends the 16 hex digits of {@code /proc/cpuinfo}; other clients may send any
 * alphanumeric serial. Its {@link #suffix() suffix} ties it to the {@link BoardSerial} the bootloader shows on the
 * network, and names RXP2 boards: the one rule for both lives here.
 */
public final class SerialNumber implements Comparable<SerialNumber> {

    /** Characters of the suffix: 8, the low 32 bits of a Pi's serial as hex digits. */
    public static final int SUFFIX_LENGTH = 8;
    private static final Pattern FORM = Pattern.compile("[a-z0-9]{4,64}");

    private final String value;

    private SerialNumber(String value) {
        this.value = value;
    }

    /**
     * A serial as sent: 4 to 64 letters or digits, any case, surrounding blanks ignored.
     *
     * @throws IllegalArgumentException when it is not one
     */
    public static SerialNumber of(String text) {
        SerialNumber s = parse(text);
        if (s == null) {
            throw new IllegalArgumentException("'" + text + "' is not a serial number (4 to 64 letters or digits)");
        }
        return s;
    }

    /** As {@link #of} but null for anything that is not a serial number. */
    public static SerialNumber parse(String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        return FORM.matcher(t).matches() ? new SerialNumber(t) : null;
    }

    /**
     * The suffix rule: the last {@value #SUFFIX_LENGTH} characters of a normalised (lower-case) serial, all of it
     * when shorter. For a Pi this is what its bootloader sends in DHCP option 97 and puts before its TFTP names.
     */
    static String suffixOf(String normalised) {
        return normalised.length() > SUFFIX_LENGTH ? normalised.substring(normalised.length() - SUFFIX_LENGTH)
                : normalised;
    }

    /** The serial, lower-case. */
    public String value() {
        return value;
    }

    /** The last 8 characters, lower-case (all of a shorter serial): how the network sees the board. */
    public String suffix() {
        return suffixOf(value);
    }

    /** The suffix upper-case: the last part of an RXP2 hostname ({@code RXP2-CORO-ABC12345}). */
    public String hostnameIdentifier() {
        return suffix().toUpperCase(Locale.ROOT);
    }

    /** The board's hardware serial when this one is hex as a Pi's is (8 to 16 digits), else null. */
    public BoardSerial board() {
        return BoardSerial.parse(value);
    }

    /** Whether a board the network knows by {@code board} is this one: equal suffixes. */
    public boolean sameBoard(BoardSerial board) {
        return board != null && suffix().equals(board.suffix());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SerialNumber other && value.equals(other.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public int compareTo(SerialNumber o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
