package io.rpideploy.netboot.dhcp;

import io.rpideploy.netboot.api.DhcpMessageType;

import io.rpideploy.netboot.api.ClientKind;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.dhcp4java.DHCPPacket;

/**
 * Bytes to {@link DhcpRequest} and replies to bytes, over dhcp4java. Every read is bounded here first (fixed header,
 * magic cookie, each option's unsigned length against the end of the datagram), so dhcp4java only ever sees a
 * well-formed packet; anything it still throws is caught and turned into the one checked exception.
 */
public final class DhcpCodec {

    /** RFC 2131 section 2: 236-byte fixed header, then the magic cookie. */
    static final int FIXED_HEADER = 236;
    static final int OPTIONS_START = FIXED_HEADER + 4;
    /** Larger than any Ethernet-MTU DHCP datagram; dhcp4java rejects more anyway. */
    public static final int MAX_PACKET = 1500;
    private static final int MAGIC_COOKIE = 0x63825363;
    private static final HexFormat HEX = HexFormat.of();

    private DhcpCodec() {
    }

    /** Validates and decodes one datagram received on the server port. */
    public static DhcpRequest decode(byte[] data, int offset, int length) throws DhcpFormatException {
        if (length < OPTIONS_START) {
            throw new DhcpFormatException("truncated: " + length + " bytes, a DHCP packet has at least " + OPTIONS_START);
        }
        if (length > MAX_PACKET || offset + length > data.length) {
            throw new DhcpFormatException("oversized: " + length + " bytes");
        }
        if (data[offset] != 1) {
            throw new DhcpFormatException("op " + (data[offset] & 0xff) + " is not BOOTREQUEST");
        }
        if (data[offset + 1] != 1 || data[offset + 2] != 6) {
            throw new DhcpFormatException("not Ethernet: htype " + (data[offset + 1] & 0xff) + " hlen "
                    + (data[offset + 2] & 0xff));
        }
        if (readInt(data, offset + FIXED_HEADER) != MAGIC_COOKIE) {
            throw new DhcpFormatException("bad magic cookie (BOOTP without DHCP is not served)");
        }
        int end = offset + length;
        int messageType = -1;
        // RFC 2132 section 2: code, unsigned length, value; 0 = pad, 255 = end
        for (int i = offset + OPTIONS_START; i < end; ) {
            int code = data[i] & 0xff;
            if (code == 255) {
                break;
            }
            if (code == 0) {
                i++;
                continue;
            }
            if (i + 1 >= end) {
                throw new DhcpFormatException("option " + code + " has no length byte");
            }
            int len = data[i + 1] & 0xff;
            if (i + 2 + len > end) {
                throw new DhcpFormatException("option " + code + " length " + len + " overruns the packet");
            }
            if (code == 53) {
                if (len != 1) {
                    throw new DhcpFormatException("option 53 length " + len);
                }
                messageType = data[i + 2] & 0xff;
            }
            i += 2 + len;
        }
        DhcpMessageType type = DhcpMessageType.of(messageType);
        if (type == null) {
            throw new DhcpFormatException(messageType < 0 ? "no option 53 (BOOTP is not served)"
                    : "unsupported message type " + messageType);
        }
        DHCPPacket packet;
        try {
            packet = DHCPPacket.getPacket(data, offset, length, false);
        } catch (RuntimeException | AssertionError e) {
            throw new DhcpFormatException("dhcp4java: " + e.getMessage());
        }
        byte[] chaddr = packet.getChaddr();
        String mac = mac(chaddr);
        byte[] guid = option(packet, DhcpOption.CLIENT_MACHINE_IDENTIFIER);
        Integer arch = architecture(packet);
        ClientKind kind = ClientKind.OTHER;
        String serial = null;
        PiGuid pi = PiGuid.parse(guid);
        if (pi != null) {
            kind = pi.kind();
            serial = pi.serial();
        } else if (arch != null) {
            // RFC 4578 section 2.1 / IANA processor architecture types
            kind = switch (arch) {
                case 0 -> ClientKind.BIOS;
                case 7, 9 -> ClientKind.UEFI_X64;
                case 11 -> ClientKind.UEFI_ARM64;
                default -> ClientKind.OTHER;
            };
        }
        String vendorClass = string(packet, DhcpOption.VENDOR_CLASS);
        boolean pxe = arch != null || vendorClass != null && vendorClass.startsWith("PXEClient");
        if (pi == null && pxe && (arch == null || arch == 0) && PiGuid.isRaspberryPiMac(chaddr)) {
            // a Pi whose GUID said nothing: only as a PXE client, so a Pi running its OS is an ordinary client
            kind = ClientKind.RPI;
        }
        return new DhcpRequest(packet, type, mac, Ipv4.of(packet.getCiaddrRaw()), Ipv4.of(packet.getGiaddrRaw()),
                address(packet, DhcpOption.REQUESTED_ADDRESS), address(packet, DhcpOption.SERVER_IDENTIFIER), kind,
                serial, arch, vendorClass, string(packet, DhcpOption.HOST_NAME), isIpxe(packet));
    }

    /** A reply's wire bytes (dhcp4java pads to the 300-byte BOOTP minimum). */
    public static byte[] encode(DHCPPacket reply) {
        return reply.serialize();
    }

    /** A hex fixture (whitespace and {@code #} comments allowed) to bytes; used by tests and the benchmark. */
    public static byte[] hex(String text) {
        StringBuilder s = new StringBuilder();
        for (String line : text.split("\n")) {
            int hash = line.indexOf('#');
            s.append((hash >= 0 ? line.substring(0, hash) : line).replaceAll("\\s+", ""));
        }
        return HEX.parseHex(s);
    }

    static String mac(byte[] chaddr) {
        StringBuilder s = new StringBuilder(17);
        for (int i = 0; i < 6; i++) {
            if (i > 0) {
                s.append(':');
            }
            s.append(HEX.toHexDigits(chaddr[i]));
        }
        return s.toString();
    }

    /** An option's value if present with a legal length for its type, else null. */
    static byte[] option(DHCPPacket p, DhcpOption o) {
        byte[] v = p.getOptionRaw(o.tag());
        return v != null && o.validLength(v.length) ? v : null;
    }

    private static Inet4Address address(DHCPPacket p, DhcpOption o) {
        byte[] v = option(p, o);
        return v == null ? null : Ipv4.of(v);
    }

    private static String string(DHCPPacket p, DhcpOption o) {
        byte[] v = option(p, o);
        if (v == null) {
            return null;
        }
        int n = v.length;
        while (n > 0 && v[n - 1] == 0) {
            n--; // some clients NUL-terminate (RFC 2132 section 2 says they should not)
        }
        return new String(v, 0, n, StandardCharsets.ISO_8859_1);
    }

    /**
     * iPXE says so with user class {@code iPXE} (option 77, sent as the bare string or as an RFC 3004 item) and with
     * its own option 175.
     */
    private static boolean isIpxe(DHCPPacket p) {
        if (p.getOptionRaw(DhcpOption.IPXE_ENCAPSULATED.tag()) != null) {
            return true;
        }
        byte[] userClass = p.getOptionRaw(DhcpOption.USER_CLASS.tag());
        return userClass != null && new String(userClass, StandardCharsets.ISO_8859_1).contains("iPXE");
    }

    /** Option 93 (RFC 4578 section 2.1): a list of 16-bit types; the first counts. */
    private static Integer architecture(DHCPPacket p) {
        byte[] v = p.getOptionRaw(DhcpOption.CLIENT_SYSTEM_ARCHITECTURE.tag());
        if (v == null || v.length < 2 || v.length % 2 != 0) {
            return null;
        }
        return ((v[0] & 0xff) << 8) | (v[1] & 0xff);
    }

    private static int readInt(byte[] b, int i) {
        return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }
}
