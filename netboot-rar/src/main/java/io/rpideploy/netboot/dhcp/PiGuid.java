package io.rpideploy.netboot.dhcp;

import io.rpideploy.netboot.policy.ClientKind;

/**
 * A Raspberry Pi 4/5 bootloader's option 97 (RFC 4578 section 2.3: type 0 then 16 bytes). The bootloader fills the
 * 16 bytes with four 32-bit words: FourCC ({@code RPi4} 0x34695052 / {@code RPi5} 0x35695052), board revision, the
 * low 4 bytes of the MAC, the board serial (eeprom-bootloader.adoc, DHCP_OPTION97; pi5-netboot.md section 3).
 * The byte order of the words is not documented: the FourCC's own order tells it (bytes "RPi5" = words written
 * little-endian, "5iPR" = big-endian), and the serial is read the same way. Older firmware (serial repeated four
 * times) has no FourCC and is not recognised.
 */
record PiGuid(ClientKind kind, String serial) {

    static PiGuid parse(byte[] option97) {
        if (option97 == null || option97.length != 17 || option97[0] != 0) {
            return null;
        }
        byte b1 = option97[1];
        byte b2 = option97[2];
        byte b3 = option97[3];
        byte b4 = option97[4];
        boolean littleEndian;
        char model;
        if (b1 == 'R' && b2 == 'P' && b3 == 'i') {
            littleEndian = true;
            model = (char) b4;
        } else if (b2 == 'i' && b3 == 'P' && b4 == 'R') {
            littleEndian = false;
            model = (char) b1;
        } else {
            return null;
        }
        ClientKind kind = switch (model) {
            case '4' -> ClientKind.RPI4;
            case '5' -> ClientKind.RPI5;
            default -> null;
        };
        if (kind == null) {
            return null;
        }
        int s = 13; // 1 type byte + 3 words
        long serial = littleEndian
                ? (option97[s] & 0xff) | (option97[s + 1] & 0xff) << 8 | (option97[s + 2] & 0xff) << 16
                        | (long) (option97[s + 3] & 0xff) << 24
                : (long) (option97[s] & 0xff) << 24 | (option97[s + 1] & 0xff) << 16 | (option97[s + 2] & 0xff) << 8
                        | (option97[s + 3] & 0xff);
        return new PiGuid(kind, String.format("%08x", serial));
    }
}
