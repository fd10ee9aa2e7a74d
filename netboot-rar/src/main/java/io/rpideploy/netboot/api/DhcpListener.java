package io.rpideploy.netboot.api;

import io.rpideploy.netboot.api.DhcpClient;
import io.rpideploy.netboot.api.DhcpDecision;
import io.rpideploy.netboot.api.DhcpLease;
import io.rpideploy.netboot.api.DhcpExchange;
import java.net.Inet4Address;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The MDB contract of the DHCP server: the adapter asks the application for decisions and durable leases, and
 * tells it what happened. Called on adapter threads; every method should return quickly.
 */
public interface DhcpListener {

    /**
     * Settings from the application's configuration ({@code rpideploy.netboot.*} keys without the prefix, e.g.
     * {@code interface}, {@code server-ip}); each one present overrides the ActivationSpec property of that name.
     */
    Map<String, String> settings();

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
