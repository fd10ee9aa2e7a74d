package io.rpideploy.netboot.policy;

import java.net.Inet4Address;

/**
 * One DHCP client as the engine saw it in a DISCOVER or REQUEST.
 *
 * @param mac          hardware address, lower-case {@code aa:bb:cc:dd:ee:ff}
 * @param kind         what it is, from options 97 and 93
 * @param piSerial     a Pi's board serial from option 97 (lower-case hex, as the Pi asks for {@code <serial>/} in
 *                     TFTP), else null
 * @param architecture option 93 client system architecture, else null
 * @param vendorClass  option 60, else null
 * @param hostName     option 12, else null
 * @param requested    option 50 or {@code ciaddr}, else null
 */
public record DhcpClient(String mac, ClientKind kind, String piSerial, Integer architecture, String vendorClass,
                         String hostName, Inet4Address requested) {
}
