package io.rpideploy.netboot.api;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A board's serial number as a client reports it to the deployment API (plan, Phase 8.1): 4 to 64 letters or digits,
 * kept lower-case. A Pi's installer sends the 16 hex digits of {@code /proc/cpuinfo}; other clients may send any
 * alphanumeric serial. Its {@link #suffix() suffix} ties it to the {@link BoardSerial} the bootloader shows on the
 * network, and names RXP2 boards: the one rule for both lives here.
 *
 * @param value 4 to 64 lower-case letters or digits ({@link #of} normalises any other case)
 */
public record SerialNumber(String value) {

    /** Characters of the suffix: 8, the low 32 bits of a Pi's serial as hex digits. */
    public static final int SUFFIX_LENGTH = 8;
    private static final Pattern FORM = Pattern.compile("[a-z0-9]{4,64}");
    private static final String WHAT = "a serial number (4 to 64 letters or digits)";

    public SerialNumber {
        IdentityText.checked(FORM, value, WHAT);
    }

    /**
     * A serial as sent: 4 to 64 letters or digits, any case, surrounding blanks ignored.
     *
     * @throws IllegalArgumentException when it is not one
     */
    public static SerialNumber of(String text) {
        return IdentityText.required(parse(text), text, WHAT);
    }

    /** As {@link #of} but null for anything that is not a serial number. */
    public static SerialNumber parse(String text) {
        String t = IdentityText.folded(text);
        return t != null && FORM.matcher(t).matches() ? new SerialNumber(t) : null;
    }

    /**
     * The suffix rule: the last {@value #SUFFIX_LENGTH} characters of a normalised (lower-case) serial, all of it
     * when shorter. For a Pi this is what its bootloader sends in DHCP option 97 and puts before its TFTP names.
     */
    static String suffixOf(String normalised) {
        return normalised.length() > SUFFIX_LENGTH ? normalised.substring(normalised.length() - SUFFIX_LENGTH)
                : normalised;
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

    /** The serial itself, as stored and shown. */
    @Override
    public String toString() {
        return value;
    }
}
