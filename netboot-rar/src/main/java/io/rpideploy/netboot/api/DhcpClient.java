package io.rpideploy.netboot.api;

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
 * @param ipxe         the client is iPXE already (user class {@code iPXE}, option 77, or iPXE's option 175): it
 *                     wants a script, and handing it the iPXE binary again would chainload forever
 */
public record DhcpClient(String mac, ClientKind kind, String piSerial, Integer architecture, String vendorClass,
                         String hostName, Inet4Address requested, boolean ipxe) {

    /** A PXE client (option 60 starts with {@code PXEClient}, RFC 4578 section 2) or one that sent option 93. */
    public boolean isPxeClient() {
        return architecture != null || vendorClass != null && vendorClass.startsWith("PXEClient");
    }

    /** The serial a Pi told in option 97, typed; null when it told none. */
    public BoardSerial board() {
        return BoardSerial.parse(piSerial);
    }

    public MacAddress macAddress() {
        return MacAddress.of(mac);
    }
}
