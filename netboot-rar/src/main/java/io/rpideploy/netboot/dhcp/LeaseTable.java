package io.rpideploy.netboot.dhcp;

import io.rpideploy.netboot.api.ClientKind;
import io.rpideploy.netboot.api.DhcpLease;
import io.rpideploy.netboot.api.DhcpLease.State;
import java.net.Inet4Address;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine's lease state, owned by the receive thread (no locks): the latest lease per MAC, who holds each address
 * (a binding, a pending offer or a quarantine) and a bitmap of the pool for allocation. Addresses a client once had
 * stay its own while nobody else needs them, so the same board gets the same address back.
 */
final class LeaseTable {

    /** How long an offered address stays reserved for the client (RFC 2131 section 4.3.1, "reserve"). */
    static final Duration OFFER_HOLD = Duration.ofSeconds(60);

    private enum Hold { BOUND, OFFERED, DECLINED, FIXED }

    private record Holder(String mac, Hold hold, Instant until) {
        boolean active(Instant now) {
            return hold == Hold.FIXED || until.isAfter(now);
        }
    }

    private final DhcpSettings settings;
    private final int poolStart;
    private final int poolSize;
    private final Map<String, DhcpLease> byMac = new HashMap<>();
    private final Map<Integer, Holder> holders = new HashMap<>();
    private final Map<String, Integer> offers = new HashMap<>();
    /** Pool offsets held by someone (active or not yet reclaimed). */
    private final BitSet held = new BitSet();
    /** Pool offsets held now or leased before: a new client gets one of the others first. */
    private final BitSet touched = new BitSet();
    private final BitSet history = new BitSet();
    private int cursor;

    LeaseTable(DhcpSettings settings) {
        this.settings = settings;
        this.poolStart = Ipv4.toInt(settings.poolStart());
        this.poolSize = (int) (Ipv4.toLong(settings.poolEnd()) - Ipv4.toLong(settings.poolStart()) + 1);
        int mask = Ipv4.toInt(settings.subnetMask());
        for (int i = 0; i < poolSize; i++) {
            int a = poolStart + i;
            if ((a & ~mask) == 0 || (a & ~mask) == ~mask) {
                fix(a); // network and broadcast address of the subnet
            }
        }
        fix(Ipv4.toInt(settings.serverIp()));
        if (settings.router() != null) {
            fix(Ipv4.toInt(settings.router()));
        }
        settings.dnsServers().forEach(d -> fix(Ipv4.toInt(d)));
    }

    private void fix(int address) {
        hold(address, new Holder("", Hold.FIXED, Instant.MAX));
    }

    /** Fills the table from the store at start. */
    void load(List<DhcpLease> leases, Instant now) {
        for (DhcpLease l : leases) {
            if (l == null || l.mac() == null || l.address() == null || l.state() == null) {
                continue;
            }
            DhcpLease before = byMac.get(l.mac());
            if (before != null && before.updated() != null && l.updated() != null && before.updated().isAfter(l.updated())) {
                continue;
            }
            if (before != null) {
                drop(before.mac());
            }
            int a = Ipv4.toInt(l.address());
            Holder h = holders.get(a);
            if (h != null && h.active(now) && !h.mac().equals(l.mac())) {
                continue; // two clients on one address: the first loaded keeps it
            }
            switch (l.state()) {
                case BOUND -> {
                    byMac.put(l.mac(), l);
                    hold(a, new Holder(l.mac(), Hold.BOUND, l.expires()));
                    markHistory(a);
                }
                case DECLINED -> {
                    if (l.expires().isAfter(now)) {
                        hold(a, new Holder(l.mac(), Hold.DECLINED, l.expires()));
                    }
                }
                case RELEASED, EXPIRED -> {
                    byMac.put(l.mac(), l);
                    markHistory(a);
                }
            }
        }
    }

    DhcpLease lease(String mac) {
        return byMac.get(mac);
    }

    List<DhcpLease> leases() {
        return List.copyOf(byMac.values());
    }

    /** Whether a client has any record here: a lease (any state) or a pending offer. */
    boolean knows(String mac) {
        return byMac.containsKey(mac) || offers.containsKey(mac);
    }

    /** The address this client holds or held and may have again, else null. */
    Inet4Address previousAddress(String mac, Instant now) {
        Integer offered = offers.get(mac);
        if (offered != null && freeFor(offered, mac, now)) {
            return Ipv4.of(offered);
        }
        DhcpLease l = byMac.get(mac);
        if (l != null && freeFor(Ipv4.toInt(l.address()), mac, now)) {
            return l.address();
        }
        return null;
    }

    /** Whether nobody else actively holds this address. */
    boolean freeFor(Inet4Address address, String mac, Instant now) {
        return freeFor(Ipv4.toInt(address), mac, now);
    }

    private boolean freeFor(int address, String mac, Instant now) {
        Holder h = holders.get(address);
        return h == null || !h.active(now) || (h.mac().equals(mac) && h.hold != Hold.DECLINED);
    }

    boolean inPool(Inet4Address address) {
        long off = Ipv4.toLong(address) - (poolStart & 0xffffffffL);
        return off >= 0 && off < poolSize;
    }

    /**
     * A free pool address for a new client: one never leased first, then one another client held before; when
     * there is none, expired leases are reclaimed and the search repeated. Null: the pool is exhausted.
     */
    Inet4Address allocate(String mac, Instant now, List<DhcpLease> reclaimed) {
        int off = search(touched);
        if (off < 0) {
            off = search(held);
        }
        if (off < 0) {
            reclaimed.addAll(reclaimExpired(now));
            off = search(touched);
            if (off < 0) {
                off = search(held);
            }
        }
        if (off < 0) {
            return null;
        }
        cursor = off + 1 >= poolSize ? 0 : off + 1;
        return Ipv4.of(poolStart + off);
    }

    private int search(BitSet used) {
        int off = used.nextClearBit(cursor);
        if (off >= poolSize) {
            off = used.nextClearBit(0);
        }
        return off < poolSize ? off : -1;
    }

    /** Reserves an offered address for a while (not persisted: RFC 2131 section 4.3.1 needs no durable offer). */
    void offer(String mac, Inet4Address address, Instant now) {
        int a = Ipv4.toInt(address);
        Integer previous = offers.put(mac, a);
        if (previous != null && previous != a) {
            release(previous, mac);
        }
        Holder h = holders.get(a);
        if (h == null || !(h.mac().equals(mac) && h.hold == Hold.BOUND && h.active(now))) {
            hold(a, new Holder(mac, Hold.OFFERED, now.plus(OFFER_HOLD)));
        }
    }

    /** The client took another server's offer (RFC 2131 section 4.3.2, SELECTING with a foreign server id). */
    void cancelOffer(String mac) {
        Integer a = offers.remove(mac);
        if (a != null) {
            release(a, mac);
        }
    }

    /** A DHCPACK: the client's one lease, the address it had before (if other) given up. */
    DhcpLease bind(DhcpRequest r, Inet4Address address, Instant now, Instant expires) {
        int a = Ipv4.toInt(address);
        Integer offered = offers.remove(r.mac());
        if (offered != null && offered != a) {
            release(offered, r.mac());
        }
        DhcpLease before = byMac.get(r.mac());
        if (before != null && !before.address().equals(address)) {
            release(Ipv4.toInt(before.address()), r.mac());
        }
        Holder h = holders.get(a);
        if (h != null && !h.mac().equals(r.mac())) {
            DhcpLease other = byMac.get(h.mac());
            if (other != null && other.address().equals(address)) {
                byMac.put(h.mac(), withState(other, State.EXPIRED, other.expires(), now));
            }
        }
        String host = r.hostName() != null ? r.hostName() : before != null ? before.hostName() : null;
        ClientKind kind = r.kind() != ClientKind.OTHER || before == null ? r.kind() : before.kind();
        String serial = r.piSerial() != null ? r.piSerial() : before != null ? before.piSerial() : null;
        DhcpLease lease = new DhcpLease(r.mac(), address, State.BOUND, expires, now, kind, serial, host);
        byMac.put(r.mac(), lease);
        hold(a, new Holder(r.mac(), Hold.BOUND, expires));
        markHistory(a);
        return lease;
    }

    /** DHCPRELEASE (RFC 2131 section 4.3.4): the address is free again but stays this client's preference. */
    DhcpLease released(String mac, Inet4Address address, Instant now) {
        DhcpLease l = byMac.get(mac);
        if (l == null || l.state() != State.BOUND || !l.address().equals(address)) {
            return null;
        }
        release(Ipv4.toInt(address), mac);
        DhcpLease r = withState(l, State.RELEASED, now, now);
        byMac.put(mac, r);
        return r;
    }

    /**
     * DHCPDECLINE (RFC 2131 section 4.3.3): the address is in use by someone unknown; nobody gets it until the
     * quarantine ends.
     */
    DhcpLease declined(DhcpRequest r, Inet4Address address, Instant now, Instant until) {
        int a = Ipv4.toInt(address);
        offers.remove(r.mac());
        DhcpLease before = byMac.remove(r.mac());
        if (before != null && !before.address().equals(address)) {
            release(Ipv4.toInt(before.address()), r.mac());
        }
        hold(a, new Holder(r.mac(), Hold.DECLINED, until));
        return new DhcpLease(r.mac(), address, State.DECLINED, until, now, r.kind(), r.piSerial(), r.hostName());
    }

    /** Ends what has run out: bindings become EXPIRED (returned, to be persisted), offers and quarantines lapse. */
    List<DhcpLease> reclaimExpired(Instant now) {
        List<DhcpLease> changed = new ArrayList<>();
        List<Integer> lapsed = new ArrayList<>();
        holders.forEach((a, h) -> {
            if (!h.active(now)) {
                lapsed.add(a);
            }
        });
        for (int a : lapsed) {
            Holder h = holders.get(a);
            if (h.hold == Hold.BOUND) {
                DhcpLease l = byMac.get(h.mac());
                if (l != null && l.state() == State.BOUND && Ipv4.toInt(l.address()) == a) {
                    DhcpLease e = withState(l, State.EXPIRED, l.expires(), now);
                    byMac.put(h.mac(), e);
                    changed.add(e);
                }
            } else if (h.hold == Hold.OFFERED) {
                offers.remove(h.mac(), a);
            }
            release(a, h.mac());
        }
        return changed;
    }

    int poolSize() {
        return poolSize;
    }

    private void drop(String mac) {
        DhcpLease l = byMac.remove(mac);
        if (l != null) {
            release(Ipv4.toInt(l.address()), mac);
        }
    }

    private void hold(int address, Holder h) {
        holders.put(address, h);
        int off = offset(address);
        if (off >= 0) {
            held.set(off);
            touched.set(off);
        }
    }

    private void release(int address, String mac) {
        Holder h = holders.get(address);
        if (h == null || h.hold == Hold.FIXED || !h.mac().equals(mac)) {
            return;
        }
        holders.remove(address);
        int off = offset(address);
        if (off >= 0) {
            held.clear(off);
            if (!history.get(off)) {
                touched.clear(off);
            }
        }
    }

    private void markHistory(int address) {
        int off = offset(address);
        if (off >= 0) {
            history.set(off);
            touched.set(off);
        }
    }

    private int offset(int address) {
        long off = (address & 0xffffffffL) - (poolStart & 0xffffffffL);
        return off >= 0 && off < poolSize ? (int) off : -1;
    }

    private static DhcpLease withState(DhcpLease l, State state, Instant expires, Instant now) {
        return new DhcpLease(l.mac(), l.address(), state, expires, now, l.kind(), l.piSerial(), l.hostName());
    }
}
