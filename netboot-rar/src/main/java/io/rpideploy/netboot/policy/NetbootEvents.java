package io.rpideploy.netboot.policy;

import io.rpideploy.netboot.api.DhcpExchange;
import io.rpideploy.netboot.api.TftpTransferReport;
import java.net.Inet4Address;
import java.time.Instant;

/**
 * What the engines tell the application after the fact. Called off the packet path or quickly: an
 * implementation must not block (the adapter queues these for the MDBs).
 */
public interface NetbootEvents {

    /** One DHCP exchange step that was answered or acted on. */
    void dhcp(DhcpExchange exchange);

    /** One TFTP transfer that ended, well or not. */
    void tftp(TftpTransferReport report);

    /** Another DHCP server answered on the deployment network. */
    void rogueDhcpServer(Inet4Address server, String serverMac, Instant seen);
}
