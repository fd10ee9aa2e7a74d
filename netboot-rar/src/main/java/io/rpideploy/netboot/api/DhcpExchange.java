package io.rpideploy.netboot.api;

import java.net.Inet4Address;
import java.time.Instant;

/**
 * One DHCP exchange step that was answered (OFFER, ACK, NAK) or acted on (RELEASE, DECLINE, INFORM).
 *
 * @param message the client's message type
 * @param reply   OFFER, ACK, NAK, or null when nothing was sent
 * @param address the address offered/acknowledged/released, or null
 */
public record DhcpExchange(Instant at, DhcpMessageType message, DhcpMessageType reply, DhcpClient client,
                           Inet4Address address, String detail) {
}
