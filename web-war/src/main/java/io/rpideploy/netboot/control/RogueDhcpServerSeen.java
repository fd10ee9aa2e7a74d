package io.rpideploy.netboot.control;

import java.time.Instant;

/** Another DHCP server answered on the deployment network: boards may get addresses (and boot files) from it. */
public record RogueDhcpServerSeen(Instant at, String serverIp, String serverMac) {
}
