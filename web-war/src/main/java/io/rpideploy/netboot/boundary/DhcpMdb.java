package io.rpideploy.netboot.boundary;

import io.rpideploy.netboot.api.DhcpListener;
import io.rpideploy.netboot.control.LeaseBook;
import io.rpideploy.netboot.control.NetbootJournal;
import io.rpideploy.netboot.control.NetbootPolicy;
import io.rpideploy.netboot.api.DhcpClient;
import io.rpideploy.netboot.api.DhcpDecision;
import io.rpideploy.netboot.api.DhcpLease;
import io.rpideploy.netboot.api.DhcpExchange;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.net.Inet4Address;
import java.time.Instant;
import java.util.List;

/**
 * The DHCP server's endpoint in the application: translates and delegates, nothing else. No container transaction
 * around decisions (they come from memory); the control beans open their own where they write.
 */
// no resourceAdapter property: the container picks the one adapter offering this listener type, whether the rar
// is deployed beside the war (Payara Micro: "netboot-rar") or inside the EAR (Payara Server: "<ear>#netboot-rar")
@MessageDriven
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class DhcpMdb implements DhcpListener {

    @Inject
    NetbootPolicy policy;

    @Inject
    LeaseBook leases;

    @Inject
    NetbootJournal journal;

    @Override
    public DhcpDecision decide(DhcpClient client) {
        return policy.decide(client);
    }

    @Override
    public List<DhcpLease> loadLeases() {
        return leases.load();
    }

    @Override
    public void saveLeases(List<DhcpLease> changes) {
        leases.save(changes);
    }

    @Override
    public void exchanged(List<DhcpExchange> exchanges) {
        journal.dhcp(exchanges);
    }

    @Override
    public void rogueServer(Inet4Address server, String serverMac, Instant seen) {
        journal.rogue(server.getHostAddress(), serverMac, seen);
    }
}
