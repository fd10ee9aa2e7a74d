package io.rpideploy.netboot.control;

import java.time.Instant;

/**
 * The DHCP server acknowledged, released or refused an address (after the lease was stored). {@code reply} is
 * ACK, NAK or null; {@code message} the client's (REQUEST, RELEASE, DECLINE, INFORM, DISCOVER with an OFFER).
 */
public record LeaseGranted(Instant at, String message, String reply, String mac, String ip, String clientKind,
                           String piSerial, String detail) {
}
