package io.rpideploy.netboot.dhcp;

import io.rpideploy.netboot.api.DhcpMessageType;

import static io.rpideploy.netboot.dhcp.Packets.ip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.netboot.dhcp.DhcpResponder.Answer;
import io.rpideploy.netboot.policy.BootPolicy;
import io.rpideploy.netboot.api.ClientKind;
import io.rpideploy.netboot.api.DhcpDecision;
import io.rpideploy.netboot.api.DhcpLease;
import io.rpideploy.netboot.api.DhcpLease.State;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dhcp4java.DHCPPacket;
import org.junit.jupiter.api.Test;

class DhcpResponderTest {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    static final Inet4Address SERVER = ip("10.66.0.1");
    static final Inet4Address BCAST = ip("255.255.255.255");
    static final byte[] PI_OPTION_43 = HexFormat.of().parseHex("060103" + "0a0400505845" + "0914000011"
            + HexFormat.of().formatHex("Raspberry Pi Boot".getBytes(StandardCharsets.US_ASCII)) + "ff");

    final Packets.MutableClock clock = new Packets.MutableClock(T0);
    final StandardBootPolicy standard = new StandardBootPolicy("efi/arm64.efi", "efi/x64.efi", "bios/pxelinux.0",
            Map.of("02:00:00:00:00:99", ip("10.66.0.50")));

    static DhcpSettings settings(String poolStart, String poolEnd) {
        return DhcpSettings.of("rpdd0", SERVER, ip("255.255.255.0"), ip(poolStart), ip(poolEnd));
    }

    DhcpResponder responder(BootPolicy policy, List<DhcpLease> leases) {
        return new DhcpResponder(settings("10.66.0.100", "10.66.0.199"), policy, clock, leases, "02:72:70:64:68:70");
    }

    /** The reply as it goes on the wire, decoded again. */
    static DHCPPacket wire(Answer a) {
        byte[] b = DhcpCodec.encode(a.reply());
        assertTrue(b.length >= 300 && b.length <= 576, "size " + b.length);
        return DHCPPacket.getPacket(b, 0, b.length, true);
    }

    static int u32(DHCPPacket p, int code) {
        byte[] v = p.getOptionRaw((byte) code);
        assertEquals(4, v.length);
        return ((v[0] & 0xff) << 24) | ((v[1] & 0xff) << 16) | ((v[2] & 0xff) << 8) | (v[3] & 0xff);
    }

    @Test
    void pi5DiscoverGetsAnOfferWithThePiMenu() {
        DhcpResponder r = responder(standard, List.of());
        Answer a = r.replyTo(Packets.decodeFixture("pi5-discover.hex")).orElseThrow();
        assertEquals(DhcpMessageType.OFFER, a.type());
        assertEquals(BCAST, a.destination());
        assertEquals(68, a.port());
        assertNull(a.leaseChange(), "an OFFER is not persisted");
        DHCPPacket p = wire(a);
        assertEquals(2, p.getOp());
        assertEquals(1, p.getHtype());
        assertEquals(6, p.getHlen());
        assertEquals(0x5a5a0001, p.getXid());
        assertEquals(0, p.getFlags());
        assertEquals("2c:cf:67:12:34:56", DhcpCodec.mac(p.getChaddr()));
        assertEquals(ip("0.0.0.0"), p.getCiaddr());
        assertEquals(ip("10.66.0.100"), p.getYiaddr());
        assertEquals(SERVER, p.getSiaddr());
        assertEquals(ip("0.0.0.0"), p.getGiaddr());
        assertArrayEquals(new byte[]{2}, p.getOptionRaw((byte) 53));
        assertArrayEquals(SERVER.getAddress(), p.getOptionRaw((byte) 54));
        assertArrayEquals(new byte[]{(byte) 255, (byte) 255, (byte) 255, 0}, p.getOptionRaw((byte) 1));
        assertEquals(43200, u32(p, 51));
        assertEquals(21600, u32(p, 58));
        assertEquals(37800, u32(p, 59));
        assertArrayEquals("PXEClient".getBytes(StandardCharsets.US_ASCII), p.getOptionRaw((byte) 60));
        assertArrayEquals(PI_OPTION_43, p.getOptionRaw((byte) 43));
        assertEquals(32, p.getOptionRaw((byte) 43).length);
        assertArrayEquals("10.66.0.1".getBytes(StandardCharsets.US_ASCII), p.getOptionRaw((byte) 66), "no NUL");
        assertNull(p.getOptionRaw((byte) 67));
        assertNull(p.getOptionRaw((byte) 3), "no router unless configured");
        assertNull(p.getOptionRaw((byte) 6), "no DNS unless configured");
        assertEquals("DHCPDISCOVER 2c:cf:67:12:34:56 RPi5 serial 1a2b3c4d -> OFFER 10.66.0.100", a.logLine());
        assertEquals(DhcpMessageType.OFFER, a.exchange().reply());
        assertEquals("1a2b3c4d", a.exchange().client().piSerial());
    }

    @Test
    void pi5RequestWithoutOption60IsAckedAfterWhichTheLeaseIsToBePersisted() {
        DhcpResponder r = responder(standard, List.of());
        r.replyTo(Packets.decodeFixture("pi5-discover.hex")).orElseThrow();
        clock.advance(Duration.ofSeconds(2));
        DhcpRequest req = Packets.decodeFixture("pi5-request.hex");
        assertNull(req.vendorClass());
        Answer a = r.replyTo(req).orElseThrow();
        assertEquals(DhcpMessageType.ACK, a.type());
        DHCPPacket p = wire(a);
        assertEquals(ip("10.66.0.100"), p.getYiaddr());
        assertEquals(SERVER, p.getSiaddr());
        assertArrayEquals(new byte[]{5}, p.getOptionRaw((byte) 53));
        assertArrayEquals(PI_OPTION_43, p.getOptionRaw((byte) 43));
        assertArrayEquals("PXEClient".getBytes(StandardCharsets.US_ASCII), p.getOptionRaw((byte) 60));
        assertArrayEquals("10.66.0.1".getBytes(StandardCharsets.US_ASCII), p.getOptionRaw((byte) 66));
        DhcpLease l = a.leaseChange();
        assertEquals(new DhcpLease("2c:cf:67:12:34:56", ip("10.66.0.100"), State.BOUND,
                T0.plusSeconds(2).plus(Duration.ofHours(12)), T0.plusSeconds(2), ClientKind.RPI5, "1a2b3c4d", null), l);
    }

    @Test
    void x64UefiGetsItsBootFileAndNoPiMenu() {
        Answer a = responder(standard, List.of()).replyTo(Packets.decodeFixture("x64-uefi-discover.hex")).orElseThrow();
        DHCPPacket p = wire(a);
        assertEquals((short) 0x8000, p.getFlags());
        assertEquals(SERVER, p.getSiaddr());
        assertArrayEquals("efi/x64.efi".getBytes(StandardCharsets.US_ASCII), p.getOptionRaw((byte) 67));
        assertEquals("efi/x64.efi", p.getFile());
        assertArrayEquals("10.66.0.1".getBytes(StandardCharsets.US_ASCII), p.getOptionRaw((byte) 66));
        assertNull(p.getOptionRaw((byte) 43));
        assertNull(p.getOptionRaw((byte) 60));
    }

    @Test
    void plainClientGetsAnAddressOnlyWithItsClientIdEchoedAndConfiguredRouterAndDns() {
        DhcpSettings s = new DhcpSettings("rpdd0", SERVER, ip("255.255.255.0"), ip("10.66.0.100"), ip("10.66.0.199"),
                Duration.ofHours(1), ip("10.66.0.254"), List.of(ip("10.66.0.2"), ip("10.66.0.3")), 67, 68, Duration.ZERO);
        DhcpResponder r = new DhcpResponder(s, standard, clock, List.of(), null);
        Answer a = r.replyTo(Packets.decodeFixture("plain-discover.hex")).orElseThrow();
        DHCPPacket p = wire(a);
        assertEquals(ip("0.0.0.0"), p.getSiaddr());
        assertNull(p.getOptionRaw((byte) 43));
        assertNull(p.getOptionRaw((byte) 60));
        assertNull(p.getOptionRaw((byte) 66));
        assertNull(p.getOptionRaw((byte) 67));
        assertEquals("", p.getFile());
        assertEquals(3600, u32(p, 51));
        assertArrayEquals(ip("10.66.0.254").getAddress(), p.getOptionRaw((byte) 3));
        assertArrayEquals(new byte[]{10, 66, 0, 2, 10, 66, 0, 3}, p.getOptionRaw((byte) 6));
        assertArrayEquals(HexFormat.of().parseHex("01020000000001"), p.getOptionRaw((byte) 61));
        assertEquals(BCAST, a.destination());
    }

    @Test
    void sameMacGetsTheSameAddressAgainAlsoAfterARestartFromTheStoredLeases() {
        DhcpResponder r = responder(standard, List.of());
        DhcpLease l = dora(r, "02:00:00:00:00:01");
        dora(r, "02:00:00:00:00:02");
        assertEquals(l.address(), offer(r, "02:00:00:00:00:01"));
        DhcpResponder restarted = responder(standard, List.of(l));
        assertNotEquals(l.address(), offer(restarted, "02:00:00:00:00:03"));
        assertEquals(l.address(), offer(restarted, "02:00:00:00:00:01"));
        // INIT-REBOOT after the restart: the stored lease is the record the RFC asks for
        Answer ack = restarted.replyTo(Packets.request(DhcpMessageType.REQUEST, "02:00:00:00:00:01", null,
                50, l.address().getHostAddress())).orElseThrow();
        assertEquals(DhcpMessageType.ACK, ack.type());
    }

    @Test
    void requestForAnotherServerIsSilentAndFreesOurOffer() {
        DhcpResponder r = new DhcpResponder(settings("10.66.0.100", "10.66.0.100"), standard, clock, List.of(), null);
        Inet4Address offered = offer(r, "02:00:00:00:00:01");
        assertTrue(r.replyTo(Packets.request(DhcpMessageType.REQUEST, "02:00:00:00:00:01", null,
                50, offered.getHostAddress(), 54, "10.66.0.9")).isEmpty());
        assertEquals(offered, offer(r, "02:00:00:00:00:02"), "the cancelled offer's address is free again");
    }

    @Test
    void nakForAnAddressHeldByAnotherClientOrOffSubnetAndSilenceForAnUnknownInitReboot() {
        DhcpResponder r = responder(standard, List.of());
        DhcpLease a = dora(r, "02:00:00:00:00:01");
        Answer nak = r.replyTo(Packets.request(DhcpMessageType.REQUEST, "02:00:00:00:00:02", null,
                50, a.address().getHostAddress(), 54, "10.66.0.1")).orElseThrow();
        assertEquals(DhcpMessageType.NAK, nak.type());
        assertEquals(BCAST, nak.destination());
        assertNull(nak.leaseChange());
        DHCPPacket p = wire(nak);
        assertArrayEquals(new byte[]{6}, p.getOptionRaw((byte) 53));
        assertArrayEquals(SERVER.getAddress(), p.getOptionRaw((byte) 54));
        assertEquals(ip("0.0.0.0"), p.getYiaddr());
        assertEquals(ip("0.0.0.0"), p.getSiaddr());
        assertEquals(ip("0.0.0.0"), p.getCiaddr());
        assertNull(p.getOptionRaw((byte) 51));
        assertNotNull(p.getOptionRaw((byte) 56));
        Answer offNet = r.replyTo(Packets.request(DhcpMessageType.REQUEST, "02:00:00:00:00:01", null,
                50, "192.168.1.20")).orElseThrow();
        assertEquals(DhcpMessageType.NAK, offNet.type());
        assertTrue(r.replyTo(Packets.request(DhcpMessageType.REQUEST, "02:00:00:00:00:07", null,
                50, "10.66.0.150")).isEmpty(), "INIT-REBOOT with no record: MUST remain silent");
        assertEquals(DhcpMessageType.NAK, r.replyTo(Packets.request(DhcpMessageType.REQUEST, "02:00:00:00:00:01",
                null, 50, "10.66.0.20", 54, "10.66.0.1")).orElseThrow().type(), "outside the pool");
    }

    @Test
    void renewingIsAckedUnicastToCiaddr() {
        DhcpResponder r = responder(standard, List.of());
        DhcpLease l = dora(r, "02:00:00:00:00:01");
        clock.advance(Duration.ofHours(6));
        Answer a = r.replyTo(Packets.request(DhcpMessageType.REQUEST, "02:00:00:00:00:01",
                l.address().getHostAddress())).orElseThrow();
        assertEquals(DhcpMessageType.ACK, a.type());
        assertEquals(l.address(), a.destination());
        assertEquals(l.address(), wire(a).getCiaddr());
        assertEquals(clock.instant().plus(Duration.ofHours(12)), a.leaseChange().expires());
    }

    @Test
    void releaseFreesTheAddressButTheClientGetsItBackLater() {
        DhcpResponder r = responder(standard, List.of());
        DhcpLease l = dora(r, "02:00:00:00:00:01");
        Answer rel = r.replyTo(Packets.request(DhcpMessageType.RELEASE, "02:00:00:00:00:01",
                l.address().getHostAddress(), 54, "10.66.0.1")).orElseThrow();
        assertNull(rel.reply());
        assertEquals(State.RELEASED, rel.leaseChange().state());
        assertEquals(DhcpMessageType.RELEASE, rel.exchange().message());
        assertNotEquals(l.address(), offer(r, "02:00:00:00:00:02"), "fresh addresses go first");
        assertEquals(l.address(), offer(r, "02:00:00:00:00:01"));
    }

    @Test
    void declinedAddressIsQuarantined() {
        DhcpResponder r = new DhcpResponder(settings("10.66.0.100", "10.66.0.100"), standard, clock, List.of(), null);
        DhcpLease l = dora(r, "02:00:00:00:00:01");
        Answer d = r.replyTo(Packets.request(DhcpMessageType.DECLINE, "02:00:00:00:00:01", null,
                50, l.address().getHostAddress(), 54, "10.66.0.1")).orElseThrow();
        assertNull(d.reply());
        assertEquals(State.DECLINED, d.leaseChange().state());
        assertEquals(l.address(), d.leaseChange().address());
        assertEquals(clock.instant().plus(DhcpResponder.DECLINE_PROBATION), d.leaseChange().expires());
        assertTrue(r.replyTo(Packets.request(DhcpMessageType.DISCOVER, "02:00:00:00:00:02", null)).isEmpty(),
                "the only address is quarantined");
        assertTrue(r.replyTo(Packets.request(DhcpMessageType.DISCOVER, "02:00:00:00:00:01", null)).isEmpty(),
                "not even for the decliner");
        clock.advance(DhcpResponder.DECLINE_PROBATION.plusSeconds(1));
        assertEquals(l.address(), offer(r, "02:00:00:00:00:03"));
    }

    @Test
    void informIsAckedWithoutLeaseToCiaddr() {
        Answer a = responder(standard, List.of()).replyTo(Packets.request(DhcpMessageType.INFORM,
                "02:00:00:00:00:05", "10.66.0.77")).orElseThrow();
        assertEquals(DhcpMessageType.ACK, a.type());
        assertEquals(ip("10.66.0.77"), a.destination());
        assertNull(a.leaseChange());
        DHCPPacket p = wire(a);
        assertEquals(ip("0.0.0.0"), p.getYiaddr());
        assertEquals(ip("10.66.0.77"), p.getCiaddr());
        assertNull(p.getOptionRaw((byte) 51));
        assertNull(p.getOptionRaw((byte) 58));
        assertArrayEquals(SERVER.getAddress(), p.getOptionRaw((byte) 54));
        assertNotNull(p.getOptionRaw((byte) 1));
    }

    @Test
    void exhaustedPoolIsSilentUntilExpiredLeasesAreReclaimed() {
        DhcpResponder r = new DhcpResponder(settings("10.66.0.100", "10.66.0.101"), standard, clock, List.of(), null);
        dora(r, "02:00:00:00:00:01");
        dora(r, "02:00:00:00:00:02");
        assertTrue(r.replyTo(Packets.request(DhcpMessageType.DISCOVER, "02:00:00:00:00:03", null)).isEmpty());
        clock.advance(Duration.ofHours(12).plusSeconds(1));
        Answer a = r.replyTo(Packets.request(DhcpMessageType.DISCOVER, "02:00:00:00:00:03", null)).orElseThrow();
        assertEquals(DhcpMessageType.OFFER, a.type());
        assertEquals(2, a.reclaimed().size());
        assertTrue(a.reclaimed().stream().allMatch(l -> l.state() == State.EXPIRED));
        assertTrue(r.reclaimExpired().isEmpty(), "nothing left to reclaim");
    }

    @Test
    void periodicReclaimMarksExpiredLeases() {
        DhcpResponder r = responder(standard, List.of());
        DhcpLease l = dora(r, "02:00:00:00:00:01");
        assertTrue(r.reclaimExpired().isEmpty());
        clock.advance(Duration.ofHours(13));
        List<DhcpLease> expired = r.reclaimExpired();
        assertEquals(1, expired.size());
        assertEquals(State.EXPIRED, expired.get(0).state());
        assertEquals(l.address(), offer(r, "02:00:00:00:00:01"), "still its own address");
    }

    @Test
    void reservationFromThePolicyWinsAndOtherAddressesAreNaked() {
        DhcpResponder r = responder(standard, List.of());
        assertEquals(ip("10.66.0.50"), offer(r, "02:00:00:00:00:99"));
        Answer nak = r.replyTo(Packets.request(DhcpMessageType.REQUEST, "02:00:00:00:00:99", null,
                50, "10.66.0.120", 54, "10.66.0.1")).orElseThrow();
        assertEquals(DhcpMessageType.NAK, nak.type());
        Answer ack = r.replyTo(Packets.request(DhcpMessageType.REQUEST, "02:00:00:00:00:99", null,
                50, "10.66.0.50", 54, "10.66.0.1")).orElseThrow();
        assertEquals(DhcpMessageType.ACK, ack.type());
    }

    @Test
    void policyIgnoreOrFailureOrProbeMacMeansSilence() {
        List<String> asked = new ArrayList<>();
        BootPolicy ignore = c -> {
            asked.add(c.mac());
            return DhcpDecision.ignore();
        };
        assertTrue(responder(ignore, List.of()).replyTo(Packets.decodeFixture("pi5-discover.hex")).isEmpty());
        assertEquals(List.of("2c:cf:67:12:34:56"), asked);
        BootPolicy broken = c -> {
            throw new IllegalStateException("database down");
        };
        DhcpResponder r = responder(broken, List.of());
        assertTrue(r.replyTo(Packets.decodeFixture("pi5-discover.hex")).isEmpty());
        assertTrue(r.replyTo(Packets.decodeFixture("pi5-request.hex")).isEmpty());
        assertTrue(responder(standard, List.of()).replyTo(
                Packets.request(DhcpMessageType.DISCOVER, "02:72:70:64:68:70", null)).isEmpty());
    }

    @Test
    void standardPolicyRules() {
        var pi = new io.rpideploy.netboot.api.DhcpClient("2c:cf:67:00:00:01", ClientKind.RPI5, "1a2b3c4d", 0, null,
                null, null, false);
        assertEquals(DhcpDecision.boot(null, new DhcpDecision.BootOffer(null, true)), standard.decide(pi));
        assertEquals("efi/arm64.efi", standard.decide(client(ClientKind.UEFI_ARM64, 11)).boot().bootFile());
        assertEquals("efi/x64.efi", standard.decide(client(ClientKind.UEFI_X64, 9)).boot().bootFile());
        assertEquals("bios/pxelinux.0", standard.decide(client(ClientKind.BIOS, 0)).boot().bootFile());
        DhcpDecision plain = standard.decide(client(ClientKind.OTHER, null));
        assertTrue(plain.answer());
        assertNull(plain.boot());
        assertFalse(standard.decide(client(ClientKind.BIOS, 0)).boot().piMenu());
    }

    private static io.rpideploy.netboot.api.DhcpClient client(ClientKind kind, Integer arch) {
        return new io.rpideploy.netboot.api.DhcpClient("02:00:00:00:00:10", kind, null, arch, null, null, null, false);
    }

    private static Inet4Address offer(DhcpResponder r, String mac) {
        Optional<Answer> a = r.replyTo(Packets.request(DhcpMessageType.DISCOVER, mac, null));
        assertEquals(DhcpMessageType.OFFER, a.orElseThrow().type());
        return Ipv4.of(a.get().reply().getYiaddrRaw());
    }

    private static DhcpLease dora(DhcpResponder r, String mac) {
        Inet4Address offered = offer(r, mac);
        Answer ack = r.replyTo(Packets.request(DhcpMessageType.REQUEST, mac, null, 50, offered.getHostAddress(),
                54, "10.66.0.1")).orElseThrow();
        assertEquals(DhcpMessageType.ACK, ack.type());
        assertEquals(offered, ack.leaseChange().address());
        return ack.leaseChange();
    }
}
