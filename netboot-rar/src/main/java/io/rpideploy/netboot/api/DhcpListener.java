package io.rpideploy.netboot.api;

import io.rpideploy.netboot.api.DhcpClient;
import io.rpideploy.netboot.api.DhcpDecision;
import io.rpideploy.netboot.api.DhcpLease;
import io.rpideploy.netboot.api.DhcpExchange;
import java.net.Inet4Address;
import java.time.Instant;
import java.util.List;

/**
 * The MDB contract of the DHCP server: the adapter asks the application for decisions and durable leases, and
 * tells it what happened. Called on adapter threads; every method should return quickly.
 */
public interface DhcpListener {

    /** What to answer a DISCOVER or REQUEST: silence, an address only, or network boot. */
    DhcpDecision decide(DhcpClient client);

    /** Every stored lease, once when the server starts. */
    List<DhcpLease> loadLeases();

    /** Makes lease changes durable before they are acknowledged on the wire; throws if it cannot. */
    void saveLeases(List<DhcpLease> changes);

    /** Exchanges since the last call, in order (batched by the adapter, off the packet path). */
    void exchanged(List<DhcpExchange> exchanges);

    /** Another DHCP server answered on the deployment network. */
    void rogueServer(Inet4Address server, String serverMac, Instant seen);
}
