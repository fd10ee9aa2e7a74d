package io.rpideploy.netboot.dhcp;

import io.rpideploy.netboot.api.ClientKind;
import java.util.Set;

/**
 * A Raspberry Pi 4/5 bootloader's option 97 (RFC 4578 section 2.3: type 0 then 16 bytes). The bootloader fills the
 * 16 bytes with four 32-bit words: FourCC ({@code RPi4} 0x34695052 / {@code RPi5} 0x35695052), board revision, the
 * low 4 bytes of the MAC, the board serial (eeprom-bootloader.adoc, DHCP_OPTION97; pi5-netboot.md section 3).
 * The byte order of the words is not documented: the FourCC's own order tells it (bytes "RPi5" = words written
 * little-endian, "5iPR" = big-endian), and the serial is read the same way. Older firmware, and newer firmware with
 * {@code DHCP_OPTION97=0}, sends the serial four times and no model: read little-endian, as the FourCC shows the
 * bootloader writes its words (the board's first TFTP request, {@code <serial>/...}, confirms it).
 */
record PiGuid(ClientKind kind, String serial) {

    /**
     * Raspberry Pi Ltd's Ethernet OUIs (IEEE registry; 2c:cf:67 and 88:a2:9e are Pi 5 era, missing from older
     * lists, pi5-netboot.md section 3). Only a fallback: a MAC can be changed in the EEPROM.
     */
    private static final Set<Integer> PI_OUIS = Set.of(0xb827eb, 0xdca632, 0xe45f01, 0x28cdc1,
            0xd83add, 0x2ccf67, 0x88a29e);

    static boolean isRaspberryPiMac(byte[] chaddr) {
        return chaddr != null && chaddr.length >= 3
                && PI_OUIS.contains((chaddr[0] & 0xff) << 16 | (chaddr[1] & 0xff) << 8 | (chaddr[2] & 0xff));
    }

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
            return repeatedSerial(option97);
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

    /** The older form: one 32-bit word four times, not all zeros or all ones (an unset GUID). */
    private static PiGuid repeatedSerial(byte[] option97) {
        for (int word = 1; word < 4; word++) {
            for (int b = 0; b < 4; b++) {
                if (option97[1 + b] != option97[1 + 4 * word + b]) {
                    return null;
                }
            }
        }
        long serial = (option97[1] & 0xff) | (option97[2] & 0xff) << 8 | (option97[3] & 0xff) << 16
                | (long) (option97[4] & 0xff) << 24;
        if (serial == 0 || serial == 0xffffffffL) {
            return null;
        }
        return new PiGuid(ClientKind.RPI, String.format("%08x", serial));
    }
}
