package io.rpideploy.deployments.control;

import io.rpideploy.netboot.api.MacAddress;
import java.util.Optional;

/**
 * Which board holds a DHCP lease on an address, when this server's DHCP serves the deployment network. The netboot
 * feature implements it; a report that comes from an address leased to another board is not that board's.
 */
public interface AddressLeases {

    /** The MAC holding a current lease on this IPv4 address; empty when none is known. */
    Optional<MacAddress> holderOf(String ip);

    /** Whether this server's DHCP is serving the deployment network now (then every board there holds a lease). */
    boolean serving();
}
