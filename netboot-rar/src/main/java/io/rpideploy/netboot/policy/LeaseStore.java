package io.rpideploy.netboot.policy;

import io.rpideploy.netboot.api.DhcpLease;

import java.util.List;

/**
 * Where leases live across restarts. The engine batches changes and sends a DHCPACK only after {@link #save}
 * returned for the batch holding its lease, so an acknowledged lease survives {@code kill -9} without one
 * synchronous write per packet.
 */
public interface LeaseStore {

    /** Every lease known, once at start. */
    List<DhcpLease> load();

    /** Makes these changes durable (latest state per MAC); returns when they are, or throws. */
    void save(List<DhcpLease> changes);
}
