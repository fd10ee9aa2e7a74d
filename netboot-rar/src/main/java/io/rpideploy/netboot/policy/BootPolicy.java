package io.rpideploy.netboot.policy;

/** What the DHCP engine asks before it answers a DISCOVER or REQUEST. */
@FunctionalInterface
public interface BootPolicy {

    /** Never null; must not block for long (it is on the receive path). */
    DhcpDecision decide(DhcpClient client);
}
