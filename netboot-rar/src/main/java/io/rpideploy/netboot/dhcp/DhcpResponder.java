package io.rpideploy.netboot.dhcp;

import io.rpideploy.netboot.api.DhcpMessageType;

import io.rpideploy.netboot.policy.BootPolicy;
import io.rpideploy.netboot.api.DhcpDecision;
import io.rpideploy.netboot.api.DhcpLease;
import io.rpideploy.netboot.api.DhcpExchange;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.dhcp4java.DHCPPacket;

/**
 * The RFC 2131 server rules as a function: one decoded request and the lease state in, the reply (or nothing) out.
 * No socket, no thread: the caller sends {@link Answer#reply()} to {@link Answer#destination()}, and when
 * {@link Answer#leaseChange()} is set, only after that change was saved. Not thread-safe: one receive thread.
 */
public final class DhcpResponder {

    private static final Logger LOG = Logger.getLogger(DhcpResponder.class.getName());

    /** DHCPDECLINE quarantine (RFC 2131 section 4.3.3 leaves the time to the server). */
    static final Duration DECLINE_PROBATION = Duration.ofHours(1);

    /**
     * Option 43 for a Raspberry Pi (pi5-netboot.md section 4): PXE sub-options 6 (discovery control 3), 10 (menu
     * prompt: timeout 0, "PXE"), 9 (boot menu: type 0, "Raspberry Pi Boot"), end.
     */
    static final byte[] PI_PXE_MENU = piMenu();

    private final DhcpSettings settings;
    private final BootPolicy policy;
    private final Clock clock;
    private final LeaseTable table;
    private final byte[] serverId;
    private final String ignoredMac;

    /**
     * @param leases     the store's leases at start
     * @param ignoredMac a MAC never answered (the rogue probe's own), or null
     */
    public DhcpResponder(DhcpSettings settings, BootPolicy policy, Clock clock, List<DhcpLease> leases,
                         String ignoredMac) {
        this.settings = settings;
        this.policy = policy;
        this.clock = clock;
        this.table = new LeaseTable(settings);
        this.table.load(leases, clock.instant());
        this.serverId = settings.serverIp().getAddress();
        this.ignoredMac = ignoredMac;
    }

    /**
     * What one request leads to.
     *
     * @param request     what came in
     * @param reply       the packet to send, or null (RELEASE, DECLINE)
     * @param type        OFFER, ACK, NAK, or null when nothing is sent
     * @param destination where to send it (RFC 2131 section 4.1)
     * @param port        the destination port
     * @param leaseChange a lease to persist before the reply may go out, or null
     * @param reclaimed   expired leases reclaimed on the way, to persist (no reply waits for them)
     * @param exchange    the event for the application
     */
    public record Answer(DhcpRequest request, DHCPPacket reply, DhcpMessageType type, Inet4Address destination,
                         int port, DhcpLease leaseChange, List<DhcpLease> reclaimed, DhcpExchange exchange) {

        /** The log line: {@code DHCPDISCOVER 2c:cf:67:.. RPi5 serial 1a2b3c4d -> OFFER 10.66.0.101}. */
        public String logLine() {
            String what = type != null ? type.name() : leaseChange != null ? leaseChange.state().name() : "no reply";
            Inet4Address a = exchange.address();
            return "DHCP" + request.type().name() + " " + request.describe() + " -> " + what
                    + (a != null ? " " + a.getHostAddress() : "")
                    + (exchange.detail() != null ? " (" + exchange.detail() + ")" : "");
        }
    }

    /** The reply for one request; empty: stay silent and change nothing. */
    public Optional<Answer> replyTo(DhcpRequest r) {
        if (r.mac().equals(ignoredMac)) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return switch (r.type()) {
            case DISCOVER -> discover(r, now);
            case REQUEST -> request(r, now);
            case DECLINE -> decline(r, now);
            case RELEASE -> release(r, now);
            case INFORM -> inform(r, now);
            default -> Optional.empty(); // a server's own message types arriving as BOOTREQUEST: nonsense
        };
    }

    /** Periodic reclaim of expired leases; returns the ones to persist as EXPIRED. */
    public List<DhcpLease> reclaimExpired() {
        return table.reclaimExpired(clock.instant());
    }

    /** The current leases, latest per MAC (a copy). */
    public List<DhcpLease> leases() {
        return table.leases();
    }

    /** RFC 2131 section 4.3.1: choose an address, reserve it, offer it. */
    private Optional<Answer> discover(DhcpRequest r, Instant now) {
        DhcpDecision d = decide(r);
        if (d == null) {
            return Optional.empty();
        }
        List<DhcpLease> reclaimed = new ArrayList<>();
        Inet4Address address;
        if (d.reserved() != null) {
            if (!settings.onSubnet(d.reserved()) || !table.freeFor(d.reserved(), r.mac(), now)) {
                LOG.log(Level.WARNING, "reserved address {0} for {1} is off-subnet or held by another client",
                        new Object[]{d.reserved().getHostAddress(), r.mac()});
                return Optional.empty();
            }
            address = d.reserved();
        } else {
            address = table.previousAddress(r.mac(), now);
            if (address != null && !table.inPool(address)) {
                address = null; // its old address was a reservation that no longer applies
            }
            Inet4Address wanted = r.requestedAddress();
            if (address == null && wanted != null && table.inPool(wanted) && table.freeFor(wanted, r.mac(), now)) {
                address = wanted;
            }
            if (address == null) {
                address = table.allocate(r.mac(), now, reclaimed);
            }
            if (address == null) {
                LOG.log(Level.WARNING, "DHCP pool {0}..{1} exhausted: no offer for {2}", new Object[]{
                        settings.poolStart().getHostAddress(), settings.poolEnd().getHostAddress(), r.mac()});
                return Optional.empty();
            }
        }
        table.offer(r.mac(), address, now);
        DHCPPacket reply = reply(r, DhcpMessageType.OFFER, address, d, true);
        return Optional.of(answer(r, reply, DhcpMessageType.OFFER, address, null, reclaimed, null, now));
    }

    /** RFC 2131 section 4.3.2: SELECTING, INIT-REBOOT, RENEWING/REBINDING. */
    private Optional<Answer> request(DhcpRequest r, Instant now) {
        Inet4Address address;
        boolean selecting = r.serverIdentifier() != null;
        boolean initReboot = false;
        if (selecting) {
            if (!r.serverIdentifier().equals(settings.serverIp())) {
                table.cancelOffer(r.mac()); // the client chose another server's offer
                return Optional.empty();
            }
            address = r.requestedAddress();
            if (address == null) {
                return Optional.empty(); // SELECTING MUST carry option 50
            }
        } else if (r.requestedAddress() != null) {
            initReboot = true; // INIT-REBOOT: option 50, no server id, ciaddr 0
            address = r.requestedAddress();
        } else if (!Ipv4.isZero(r.ciaddr())) {
            address = r.ciaddr(); // RENEWING (unicast) or REBINDING (broadcast): ciaddr, no 50, no 54
        } else {
            return Optional.empty();
        }
        DhcpDecision d = decide(r);
        if (d == null) {
            return Optional.empty();
        }
        if (!settings.onSubnet(address)) {
            // "the client's notion of network is incorrect" (INIT-REBOOT), or it asks for what we cannot give
            return Optional.of(nak(r, address, "address not on this network", now));
        }
        if (initReboot && !table.knows(r.mac()) && !address.equals(d.reserved())) {
            return Optional.empty(); // "If the DHCP server has no record of this client, then it MUST remain silent"
        }
        if (d.reserved() != null && !d.reserved().equals(address)) {
            return Optional.of(nak(r, address, "client has reservation " + d.reserved().getHostAddress(), now));
        }
        if (!table.freeFor(address, r.mac(), now)) {
            return Optional.of(nak(r, address, "address held by another client", now));
        }
        DhcpLease before = table.lease(r.mac());
        boolean ownAddress = before != null && before.address().equals(address);
        if (d.reserved() == null && !table.inPool(address) && !ownAddress) {
            return Optional.of(nak(r, address, "address not in pool", now));
        }
        if (d.reserved() == null && !table.inPool(address) && ownAddress) {
            return Optional.of(nak(r, address, "reservation no longer applies", now));
        }
        Instant expires = now.plus(settings.leaseTime());
        DhcpLease lease = table.bind(r, address, now, expires);
        DHCPPacket reply = reply(r, DhcpMessageType.ACK, address, d, true);
        return Optional.of(answer(r, reply, DhcpMessageType.ACK, address, lease, List.of(), null, now));
    }

    /** RFC 2131 section 4.3.3: the client found the address in use; quarantine it. */
    private Optional<Answer> decline(DhcpRequest r, Instant now) {
        Inet4Address address = r.requestedAddress();
        if (address == null || (r.serverIdentifier() != null && !r.serverIdentifier().equals(settings.serverIp()))) {
            return Optional.empty();
        }
        DhcpLease own = table.lease(r.mac());
        boolean ours = (own != null && own.address().equals(address)) || address.equals(table.previousAddress(r.mac(), now));
        if (!ours) {
            return Optional.empty();
        }
        DhcpLease q = table.declined(r, address, now, now.plus(DECLINE_PROBATION));
        return Optional.of(answer(r, null, null, address, q, List.of(), "quarantined until " + q.expires(), now));
    }

    /** RFC 2131 section 4.3.4: the client gives its lease back. */
    private Optional<Answer> release(DhcpRequest r, Instant now) {
        if (r.serverIdentifier() != null && !r.serverIdentifier().equals(settings.serverIp())) {
            return Optional.empty();
        }
        DhcpLease l = table.released(r.mac(), r.ciaddr(), now);
        if (l == null) {
            return Optional.empty();
        }
        return Optional.of(answer(r, null, null, r.ciaddr(), l, List.of(), null, now));
    }

    /**
     * RFC 2131 section 4.3.5: an ACK with configuration but no lease (no yiaddr, no option 51), sent to ciaddr.
     */
    private Optional<Answer> inform(DhcpRequest r, Instant now) {
        if (Ipv4.isZero(r.ciaddr()) || !settings.onSubnet(r.ciaddr())) {
            return Optional.empty();
        }
        DHCPPacket reply = reply(r, DhcpMessageType.ACK, Ipv4.ANY, null, false);
        return Optional.of(answer(r, reply, DhcpMessageType.ACK, r.ciaddr(), null, List.of(), "INFORM", now));
    }

    private Answer nak(DhcpRequest r, Inet4Address address, String why, Instant now) {
        // RFC 2131 section 4.3.2 table 3: yiaddr/siaddr/ciaddr 0, options 53, 54, 56
        DHCPPacket p = base(r, DhcpMessageType.NAK, Ipv4.ANY);
        p.setOptionRaw(DhcpOption.MESSAGE.tag(), why.getBytes(StandardCharsets.US_ASCII));
        echo(r, p);
        return answer(r, p, DhcpMessageType.NAK, address, null, List.of(), why, now);
    }

    /** Asks the policy; null means ignore (also when the policy throws: the loop must not die). */
    private DhcpDecision decide(DhcpRequest r) {
        try {
            DhcpDecision d = policy.decide(r.client());
            return d != null && d.answer() ? d : null;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "boot policy failed for " + r.mac() + ", not answering", e);
            return null;
        }
    }

    private DHCPPacket base(DhcpRequest r, DhcpMessageType type, Inet4Address yiaddr) {
        DHCPPacket req = r.packet();
        DHCPPacket p = new DHCPPacket();
        p.setOp((byte) 2);
        p.setHtype(req.getHtype());
        p.setHlen(req.getHlen());
        p.setXid(req.getXid());
        p.setFlags(req.getFlags());
        p.setGiaddrRaw(req.getGiaddrRaw());
        p.setChaddr(req.getChaddr());
        p.setYiaddr(yiaddr);
        p.setOptionRaw(DhcpOption.MESSAGE_TYPE.tag(), new byte[]{(byte) type.code()});
        p.setOptionRaw(DhcpOption.SERVER_IDENTIFIER.tag(), serverId);
        return p;
    }

    /** An OFFER or ACK (RFC 2131 section 4.3.1 table 3; options per RFC 2132). */
    private DHCPPacket reply(DhcpRequest r, DhcpMessageType type, Inet4Address yiaddr, DhcpDecision d, boolean lease) {
        DHCPPacket p = base(r, type, yiaddr);
        if (type == DhcpMessageType.ACK) {
            p.setCiaddrRaw(r.packet().getCiaddrRaw()); // "ciaddr from DHCPREQUEST or 0"
        }
        if (lease) {
            long t = settings.leaseTime().getSeconds();
            p.setOptionRaw(DhcpOption.LEASE_TIME.tag(), u32(t));
            p.setOptionRaw(DhcpOption.RENEWAL_TIME.tag(), u32(t / 2)); // T1 0.5, RFC 2131 section 4.4.5
            p.setOptionRaw(DhcpOption.REBINDING_TIME.tag(), u32(t * 7 / 8)); // T2 0.875
        }
        p.setOptionRaw(DhcpOption.SUBNET_MASK.tag(), settings.subnetMask().getAddress());
        if (settings.router() != null) {
            p.setOptionRaw(DhcpOption.ROUTER.tag(), settings.router().getAddress());
        }
        if (!settings.dnsServers().isEmpty()) {
            ByteBuffer b = ByteBuffer.allocate(4 * settings.dnsServers().size());
            settings.dnsServers().forEach(a -> b.put(a.getAddress()));
            p.setOptionRaw(DhcpOption.DOMAIN_NAME_SERVER.tag(), b.array());
        }
        if (d != null && d.boot() != null) {
            // the TFTP server: siaddr and option 66 as dotted text without NUL (pi5-netboot.md section 9)
            p.setSiaddrRaw(serverId);
            p.setOptionRaw(DhcpOption.TFTP_SERVER_NAME.tag(),
                    settings.serverIp().getHostAddress().getBytes(StandardCharsets.US_ASCII));
            if (d.boot().piMenu()) {
                p.setOptionRaw(DhcpOption.VENDOR_CLASS.tag(), "PXEClient".getBytes(StandardCharsets.US_ASCII));
                p.setOptionRaw(DhcpOption.VENDOR_ENCAPSULATED.tag(), PI_PXE_MENU.clone());
            }
            String file = d.boot().bootFile();
            if (file != null && !file.isEmpty()) {
                byte[] f = file.getBytes(StandardCharsets.UTF_8);
                if (f.length <= 255) {
                    p.setOptionRaw(DhcpOption.BOOTFILE_NAME.tag(), f);
                }
                if (f.length < 128) {
                    p.setFileRaw(f);
                }
            }
        }
        echo(r, p);
        return p;
    }

    /** RFC 6842: echo the client identifier; RFC 3046 section 2.2: echo relay agent information. */
    private static void echo(DhcpRequest r, DHCPPacket p) {
        byte[] id = r.packet().getOptionRaw(DhcpOption.CLIENT_IDENTIFIER.tag());
        if (id != null) {
            p.setOptionRaw(DhcpOption.CLIENT_IDENTIFIER.tag(), id);
        }
        byte[] relay = r.packet().getOptionRaw(DhcpOption.RELAY_AGENT_INFORMATION.tag());
        if (relay != null && !Ipv4.isZero(r.giaddr())) {
            p.setOptionRaw(DhcpOption.RELAY_AGENT_INFORMATION.tag(), relay);
        }
    }

    private Answer answer(DhcpRequest r, DHCPPacket reply, DhcpMessageType type, Inet4Address address,
                          DhcpLease change, List<DhcpLease> reclaimed, String detail, Instant now) {
        Inet4Address to = null;
        int port = settings.clientPort();
        if (reply != null) {
            // RFC 2131 section 4.1: relay first, NAK broadcast, then ciaddr, else broadcast (no ARP-less unicast)
            if (!Ipv4.isZero(r.giaddr())) {
                to = r.giaddr();
                port = settings.serverPort();
            } else if (type == DhcpMessageType.NAK) {
                to = Ipv4.BROADCAST;
            } else if (!Ipv4.isZero(r.ciaddr()) && (type == DhcpMessageType.ACK)) {
                to = r.ciaddr();
            } else {
                to = Ipv4.BROADCAST;
            }
        }
        DhcpExchange e = new DhcpExchange(now, r.type(), type, r.client(),
                address, detail);
        return new Answer(r, reply, type, to, port, change, reclaimed, e);
    }

    private static byte[] u32(long v) {
        return new byte[]{(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    private static byte[] piMenu() {
        byte[] text = "Raspberry Pi Boot".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(32);
        b.put(new byte[]{6, 1, 3});
        b.put(new byte[]{10, 4, 0, 'P', 'X', 'E'});
        b.put(new byte[]{9, 20, 0, 0, 17}).put(text);
        b.put((byte) 0xff);
        return b.array();
    }
}
