package io.rpideploy.netboot.api;

import java.net.Inet4Address;
import java.time.Instant;

/**
 * A lease as the DHCP engine keeps it and the application stores it.
 *
 * @param mac      the client's hardware address, lower-case colon form
 * @param address  the leased address
 * @param state    see {@link State}
 * @param expires  end of the lease (for DECLINED: when the address may be offered again)
 * @param updated  when this state was entered
 * @param kind     the client's kind when it was last seen
 * @param piSerial a Pi's serial, else null
 * @param hostName option 12, else null
 */
public record DhcpLease(String mac, Inet4Address address, State state, Instant expires, Instant updated,
                        ClientKind kind, String piSerial, String hostName) {

    public enum State {
        /** ACKed and not yet expired. */
        BOUND,
        /** The client gave it back (DHCPRELEASE). */
        RELEASED,
        /** The client found the address in use (DHCPDECLINE): not offered again until {@code expires}. */
        DECLINED,
        /** Reclaimed after its end. */
        EXPIRED
    }
}
