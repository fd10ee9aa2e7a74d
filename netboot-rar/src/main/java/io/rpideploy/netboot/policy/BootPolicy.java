package io.rpideploy.netboot.policy;

import io.rpideploy.netboot.api.DhcpClient;
import io.rpideploy.netboot.api.DhcpDecision;

/** What the DHCP engine asks before it answers a DISCOVER or REQUEST. */
@FunctionalInterface
public interface BootPolicy {

    /** Never null; must not block for long (it is on the receive path). */
    DhcpDecision decide(DhcpClient client);
}
