package io.rpideploy.netboot.policy;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;

/**
 * What the engines tell the application after the fact. Called off the packet path or quickly: an
 * implementation must not block (the adapter queues these for the MDBs).
 */
public interface NetbootEvents {

    /** One DHCP exchange step that was answered (OFFER, ACK, NAK) or acted on (RELEASE, DECLINE, INFORM). */
    void dhcp(DhcpExchange exchange);

    /** One TFTP transfer that ended, well or not. */
    void tftp(TftpTransferReport report);

    /** Another DHCP server answered on the deployment network. */
    void rogueDhcpServer(Inet4Address server, String serverMac, Instant seen);

    /**
     * @param message  the client's message type (DISCOVER, REQUEST, RELEASE, DECLINE, INFORM)
     * @param reply    OFFER, ACK, NAK, or null when nothing was sent
     * @param address  the address offered/acknowledged/released, or null
     */
    record DhcpExchange(Instant at, String message, String reply, DhcpClient client, Inet4Address address,
                        String detail) {
    }

    /**
     * @param outcome  COMPLETED, FAILED (timeout, I/O), ABORTED (the client sent an ERROR: a Pi probing), REFUSED
     *                 (answered with an error: not found, access violation)
     */
    record TftpTransferReport(Instant started, Duration duration, InetSocketAddress client, String filename,
                              long bytes, int blockSize, int windowSize, Outcome outcome, String detail) {

        public enum Outcome { COMPLETED, FAILED, ABORTED, REFUSED }
    }
}
