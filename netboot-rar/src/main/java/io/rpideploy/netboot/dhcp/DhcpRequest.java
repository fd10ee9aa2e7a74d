package io.rpideploy.netboot.dhcp;

import io.rpideploy.netboot.api.DhcpMessageType;

import io.rpideploy.netboot.api.ClientKind;
import io.rpideploy.netboot.api.DhcpClient;
import java.net.Inet4Address;
import org.dhcp4java.DHCPPacket;

/**
 * One decoded, validated BOOTREQUEST: the dhcp4java packet plus the fields the rules use.
 *
 * @param packet           the whole packet, unknown options included
 * @param type             option 53
 * @param mac              chaddr, lower-case colon form
 * @param ciaddr           client address (0.0.0.0 when it has none)
 * @param giaddr           relay address (0.0.0.0 when not relayed)
 * @param requestedAddress option 50, else null
 * @param serverIdentifier option 54, else null
 * @param kind             from option 97 (Pi FourCC) or 93
 * @param piSerial         from option 97 on a Pi, else null
 * @param architecture     option 93, else null
 * @param vendorClass      option 60, else null
 * @param hostName         option 12, else null
 * @param ipxe             iPXE said it is iPXE (option 77 or 175)
 */
public record DhcpRequest(DHCPPacket packet, DhcpMessageType type, String mac, Inet4Address ciaddr,
                          Inet4Address giaddr, Inet4Address requestedAddress, Inet4Address serverIdentifier,
                          ClientKind kind, String piSerial, Integer architecture, String vendorClass,
                          String hostName, boolean ipxe) {

    public int xid() {
        return packet.getXid();
    }

    /** The BROADCAST bit of {@code flags} (RFC 2131 section 2, figure 2). */
    public boolean broadcastFlag() {
        return (packet.getFlags() & 0x8000) != 0;
    }

    /** What the policy is told: option 50, else ciaddr. */
    public DhcpClient client() {
        Inet4Address requested = requestedAddress != null ? requestedAddress : Ipv4.isZero(ciaddr) ? null : ciaddr;
        return new DhcpClient(mac, kind, piSerial, architecture, vendorClass, hostName, requested, ipxe);
    }

    /** For the exchange log line: {@code 2c:cf:67:.. RPi5 serial 1a2b3c4d}. */
    public String describe() {
        StringBuilder s = new StringBuilder(mac);
        switch (kind) {
            case RPI5 -> s.append(" RPi5");
            case RPI4 -> s.append(" RPi4");
            case RPI -> s.append(" RPi");
            case UEFI_ARM64 -> s.append(" UEFI-arm64");
            case UEFI_X64 -> s.append(" UEFI-x64");
            case BIOS -> s.append(" BIOS");
            default -> { }
        }
        if (piSerial != null) {
            s.append(" serial ").append(piSerial);
        }
        if (ipxe) {
            s.append(" iPXE");
        }
        return s.toString();
    }
}
