package io.rpideploy.netboot.ra;

import io.rpideploy.netboot.api.DhcpExchange;

import io.rpideploy.netboot.api.DhcpListener;
import io.rpideploy.netboot.api.NetbootSetting;
import io.rpideploy.netboot.dhcp.DhcpServer;
import io.rpideploy.netboot.dhcp.DhcpSettings;
import io.rpideploy.netboot.policy.BootPolicy;
import io.rpideploy.netboot.api.DhcpLease;
import io.rpideploy.netboot.policy.LeaseStore;
import io.rpideploy.netboot.policy.NetbootEvents;
import java.io.IOException;
import java.net.Inet4Address;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The DHCP server of one activation: decisions and durable leases from the application's MDB, exchanges reported
 * back in batches, a rogue server reported at once.
 */
final class DhcpActivation extends ServerActivation<DhcpListener> {

    DhcpActivation(Endpoints<DhcpListener> endpoints, DhcpActivationSpec spec, WorkExecutor executor,
                   Function<String, Optional<String>> source) {
        super("dhcp", endpoints, spec, executor, source);
    }

    @Override
    protected boolean enabled(Settings settings) {
        return settings.dhcpEnabled();
    }

    @Override
    protected String disabledReason() {
        return "no deployment interface set (" + NetbootSetting.INTERFACE + "): DHCP never runs by accident";
    }

    @Override
    protected Engine open(Settings settings) throws IOException {
        DhcpSettings s = settings.dhcp();
        EventRelay<DhcpExchange> relay = new EventRelay<>("DHCP",
                batch -> endpoints.current().exchanged(batch), endpoints::releaseCurrent);
        BootPolicy policy = client -> endpoints.current().decide(client);
        LeaseStore store = new LeaseStore() {
            @Override
            public List<DhcpLease> load() {
                return endpoints.current().loadLeases();
            }

            @Override
            public void save(List<DhcpLease> changes) {
                endpoints.current().saveLeases(changes);
            }
        };
        NetbootEvents events = new Events() {
            @Override
            public void dhcp(DhcpExchange exchange) {
                relay.offer(exchange);
            }

            @Override
            public void rogueDhcpServer(Inet4Address server, String serverMac, Instant seen) {
                endpoints.current().rogueServer(server, serverMac, seen);
            }
        };
        DhcpServer server = new DhcpServer(s, policy, store, events, Clock.systemUTC(), executor);
        server.open();
        executor.execute(relay);
        return Engine.of(server::run, server::close, relay, "serving " + s.interfaceName() + " as "
                + s.serverIp().getHostAddress() + ", pool " + s.poolStart().getHostAddress() + "-"
                + s.poolEnd().getHostAddress() + ", leases " + s.leaseTime().toHours() + " h");
    }
}
