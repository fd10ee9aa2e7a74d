package io.rpideploy.netboot.api;

import java.util.regex.Pattern;

/**
 * A Raspberry Pi board's serial number, normalised to lower-case hex. {@code /proc/cpuinfo} shows 16 digits (Pi 4:
 * {@code 10000000xxxxxxxx}); the bootloader's TFTP prefix and DHCP option 97 carry only the low 32 bits as 8 digits
 * (pi5-netboot.md section 5). That suffix is the board's key before any OS runs and the RXP2 hostname's last part;
 * the rule is {@link SerialNumber}'s (the serial a client reports), which this one's suffix follows.
 *
 * @param value 8 to 16 lower-case hex digits ({@link #of} normalises other forms)
 */
public record BoardSerial(String value) {

    /** Digits of the suffix: the low 32 bits. */
    public static final int SUFFIX_LENGTH = SerialNumber.SUFFIX_LENGTH;
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{8,16}");
    private static final Pattern SUFFIX = Pattern.compile("[0-9a-f]{8}");
    private static final String WHAT = "a board serial (8 to 16 hex digits)";

    public BoardSerial {
        IdentityText.checked(HEX, value, WHAT);
    }

    /**
     * A serial as a board or an operator wrote it: 8 to 16 hex digits, optionally {@code 0x}-prefixed, any case,
     * surrounding blanks ignored.
     *
     * @throws IllegalArgumentException when it is not one
     */
    public static BoardSerial of(String text) {
        return IdentityText.required(parse(text), text, WHAT);
    }

    /** As {@link #of} but null for anything that is not a serial. */
    public static BoardSerial parse(String text) {
        String t = IdentityText.folded(text);
        String digits = t != null && t.startsWith("0x") ? t.substring(2) : t;
        return digits != null && HEX.matcher(digits).matches() ? new BoardSerial(digits) : null;
    }

    /** Exactly 8 lower-case hex digits (a TFTP prefix), else null: no case folding, as the bootloader asks. */
    public static BoardSerial parseSuffix(String text) {
        return text != null && SUFFIX.matcher(text).matches() ? new BoardSerial(text) : null;
    }

    /** The low 32 bits as 8 lower-case hex digits: the TFTP prefix, option 97's serial, the RXP2 suffix. */
    public String suffix() {
        return SerialNumber.suffixOf(value);
    }

    /** The same serial as a client reports it to the deployment API. */
    public SerialNumber serialNumber() {
        return new SerialNumber(value);
    }

    /** Whether this is only the 8-digit suffix (as DHCP and TFTP see a board), not the full serial. */
    public boolean isSuffixOnly() {
        return value.length() == SUFFIX_LENGTH;
    }

    /** Same board as far as both serials tell: equal suffixes. */
    public boolean sameBoard(BoardSerial other) {
        return other != null && suffix().equals(other.suffix());
    }

    /** The digits, as a log line shows them. */
    @Override
    public String toString() {
        return value;
    }
}
