package io.rpideploy.netboot.dhcp;

import java.net.Inet4Address;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the DHCP engine serves one interface.
 *
 * @param interfaceName      the deployment interface; the socket is bound to it (SO_BINDTODEVICE)
 * @param serverIp           this server's address on that interface: option 54, siaddr and option 66
 * @param subnetMask         option 1
 * @param poolStart          first dynamic address (inclusive)
 * @param poolEnd            last dynamic address (inclusive)
 * @param leaseTime          option 51 (12 h in the plan)
 * @param router             option 3, or null to leave it out (the deployment network needs no gateway)
 * @param dnsServers         option 6 if not empty
 * @param serverPort         67
 * @param clientPort         68
 * @param rogueCheckInterval how often to probe for another DHCP server; {@link Duration#ZERO} turns it off
 */
public record DhcpSettings(String interfaceName, Inet4Address serverIp, Inet4Address subnetMask,
                           Inet4Address poolStart, Inet4Address poolEnd, Duration leaseTime, Inet4Address router,
                           List<Inet4Address> dnsServers, int serverPort, int clientPort,
                           Duration rogueCheckInterval) {

    public DhcpSettings {
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(serverIp, "serverIp");
        Objects.requireNonNull(subnetMask, "subnetMask");
        Objects.requireNonNull(poolStart, "poolStart");
        Objects.requireNonNull(poolEnd, "poolEnd");
        Objects.requireNonNull(leaseTime, "leaseTime");
        dnsServers = dnsServers == null ? List.of() : List.copyOf(dnsServers);
        rogueCheckInterval = rogueCheckInterval == null ? Duration.ZERO : rogueCheckInterval;
        if (leaseTime.getSeconds() < 60 || leaseTime.getSeconds() > 0xfffffffeL) {
            throw new IllegalArgumentException("leaseTime must be between 1 min and 136 years: " + leaseTime);
        }
        int mask = Ipv4.toInt(subnetMask);
        if (Integer.bitCount(mask) != Integer.numberOfLeadingZeros(~mask) || mask == 0) {
            throw new IllegalArgumentException("not a contiguous subnet mask: " + subnetMask.getHostAddress());
        }
        long start = Ipv4.toLong(poolStart);
        long end = Ipv4.toLong(poolEnd);
        if (start > end || end - start >= (1 << 24)) {
            throw new IllegalArgumentException("bad pool " + poolStart.getHostAddress() + ".." + poolEnd.getHostAddress());
        }
        int net = Ipv4.toInt(serverIp) & mask;
        if ((Ipv4.toInt(poolStart) & mask) != net || (Ipv4.toInt(poolEnd) & mask) != net) {
            throw new IllegalArgumentException("pool is not in the server's subnet");
        }
        if (serverPort < 1 || serverPort > 65535 || clientPort < 1 || clientPort > 65535) {
            throw new IllegalArgumentException("bad ports " + serverPort + "/" + clientPort);
        }
        if (rogueCheckInterval.isNegative()) {
            throw new IllegalArgumentException("negative rogueCheckInterval");
        }
    }

    /** Defaults of the plan: 12 h leases, no router, no DNS, ports 67/68, rogue check off. */
    public static DhcpSettings of(String interfaceName, Inet4Address serverIp, Inet4Address subnetMask,
                                  Inet4Address poolStart, Inet4Address poolEnd) {
        return new DhcpSettings(interfaceName, serverIp, subnetMask, poolStart, poolEnd, Duration.ofHours(12), null,
                List.of(), 67, 68, Duration.ZERO);
    }

    /** Whether an address is in the server's subnet (RFC 2131 section 4.3.2: "the client's notion of network"). */
    public boolean onSubnet(Inet4Address address) {
        int mask = Ipv4.toInt(subnetMask);
        return (Ipv4.toInt(address) & mask) == (Ipv4.toInt(serverIp) & mask);
    }
}
