package io.rpideploy.netboot.dhcp;

import io.rpideploy.netboot.api.DhcpMessageType;

import io.rpideploy.netboot.api.DhcpExchange;
import io.rpideploy.netboot.api.TftpTransferReport;

import static io.rpideploy.netboot.dhcp.Packets.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rpideploy.netboot.api.DhcpLease;
import io.rpideploy.netboot.policy.NetbootEvents;
import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine against real clients (busybox udhcpc, ISC dhclient) in network namespaces. The server runs in this JVM
 * bound to the host end {@code rpdd0} (10.66.0.1/24) of a veth whose peer is in {@code rpdd-c1}; a second veth
 * {@code rpdd1} with its peer in {@code rpdd-c2} is on the host too, and must get no answer. Needs root.
 */
class DhcpClientsIT {

    static final String CLIENT_IF = "rpdd0p";
    static Netns net;
    @TempDir
    static Path dir;

    final List<DhcpExchange> exchanges = new CopyOnWriteArrayList<>();
    final List<String> rogues = new CopyOnWriteArrayList<>();
    final NetbootEvents events = new NetbootEvents() {
        public void dhcp(DhcpExchange exchange) {
            exchanges.add(exchange);
        }

        public void tftp(TftpTransferReport report) {
        }

        public void rogueDhcpServer(Inet4Address server, String serverMac, Instant seen) {
            rogues.add(server.getHostAddress() + " " + serverMac);
        }
    };

    @BeforeAll
    static void network() {
        assumeTrue(Netns.isRoot(), "needs root for network namespaces");
        assumeTrue(Netns.run(5, "busybox", "true").exit() == 0, "needs busybox");
        net = new Netns();
        net.veth("rpdd0", "10.66.0.1/24", "rpdd-c1", CLIENT_IF, null);
        net.veth("rpdd1", "10.66.1.1/24", "rpdd-c2", "rpdd1p", null);
    }

    @AfterAll
    static void cleanUp() {
        if (net != null) {
            net.close();
        }
    }

    static DhcpSettings settings(Duration rogueCheck) {
        return new DhcpSettings("rpdd0", ip("10.66.0.1"), ip("255.255.255.0"), ip("10.66.0.100"), ip("10.66.0.199"),
                Duration.ofHours(12), null, List.of(ip("10.66.0.1")), 67, 68, rogueCheck);
    }

    /** A running server; closed by the caller. */
    final class Running implements AutoCloseable {
        final DhcpServer server;
        final ExecutorService pool = Executors.newCachedThreadPool();

        Running(io.rpideploy.netboot.policy.LeaseStore store, Duration rogueCheck) throws Exception {
            server = new DhcpServer(settings(rogueCheck), new StandardBootPolicy(null, "efi/x64.efi", null, Map.of()),
                    store, events, Clock.systemUTC(), pool);
            server.open();
            pool.execute(server::run);
        }

        @Override
        public void close() throws Exception {
            long t = System.nanoTime();
            server.close();
            pool.shutdown();
            assertTrue(pool.awaitTermination(2, TimeUnit.SECONDS), "run() and the loops ended on close()");
            assertTrue(System.nanoTime() - t < TimeUnit.SECONDS.toNanos(2), "prompt close");
        }
    }

    static Path script() throws Exception {
        Path s = dir.resolve("print-env.sh");
        if (!Files.exists(s)) {
            Files.writeString(s, "#!/bin/sh\necho \"EVENT $1 $reason\"\nenv | sort | sed 's/^/ENV /'\n");
            Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return s;
    }

    /** udhcpc's "bound" environment, or an empty map if it got no lease. */
    static Map<String, String> udhcpc(String ns, String ifname, String... extra) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("busybox", "udhcpc", "-i", ifname, "-n", "-q", "-f",
                "-t", "3", "-T", "1", "-A", "1", "-s", script().toString()));
        cmd.addAll(List.of(extra));
        Netns.Result r = Netns.inNs(ns, 20, cmd.toArray(String[]::new));
        return bound(r.output(), "bound");
    }

    static Map<String, String> bound(String output, String marker) {
        Map<String, String> env = new HashMap<>();
        boolean in = false;
        for (String line : output.split("\n")) {
            if (line.startsWith("EVENT")) {
                in = List.of(line.trim().split("\\s+")).contains(marker);
            } else if (in && line.startsWith("ENV ")) {
                int eq = line.indexOf('=');
                if (eq > 4) {
                    env.put(line.substring(4, eq), line.substring(eq + 1));
                }
            }
        }
        return env;
    }

    @Test
    void udhcpcGetsALeaseWithItsOptionsAndTheSameAddressAgainAlsoAfterARestart() throws Exception {
        Netns.must("ip", "-n", "rpdd-c1", "link", "set", CLIENT_IF, "address", "02:66:00:00:00:01");
        Path file = dir.resolve("udhcpc-leases.txt");
        String first;
        try (Running r = new Running(new FileLeaseStore(file, true), Duration.ZERO)) {
            Map<String, String> env = udhcpc("rpdd-c1", CLIENT_IF);
            first = env.get("ip");
            assertTrue(first != null && first.startsWith("10.66.0."), "lease from the pool: " + env);
            int last = Integer.parseInt(first.substring(first.lastIndexOf('.') + 1));
            assertTrue(last >= 100 && last <= 199);
            assertEquals("255.255.255.0", env.get("subnet"));
            assertEquals("43200", env.get("lease"));
            assertEquals("10.66.0.1", env.get("serverid"));
            assertEquals("10.66.0.1", env.get("dns"));
            assertEquals(null, env.get("router"), "no option 3 by default");
            assertEquals(null, env.get("opt43"));
            // ACKed means durable: a fresh reader of the file sees the lease while the server still runs
            List<DhcpLease> saved = new FileLeaseStore(file, false).load();
            assertEquals(1, saved.size());
            assertEquals("02:66:00:00:00:01", saved.get(0).mac());
            assertEquals(first, saved.get(0).address().getHostAddress());
            assertEquals(DhcpLease.State.BOUND, saved.get(0).state());
            assertEquals(first, udhcpc("rpdd-c1", CLIENT_IF).get("ip"), "same MAC, same address");
            assertTrue(exchanges.stream().anyMatch(x -> DhcpMessageType.ACK == x.reply() && x.address().getHostAddress().equals(first)));
        }
        // a new server over the same store file, as after a crash
        try (Running r = new Running(new FileLeaseStore(file, true), Duration.ZERO)) {
            Netns.must("ip", "-n", "rpdd-c1", "link", "set", CLIENT_IF, "address", "02:66:00:00:00:02");
            String other = udhcpc("rpdd-c1", CLIENT_IF).get("ip");
            assertNotEquals(first, other, "another client does not get the stored lease");
            Netns.must("ip", "-n", "rpdd-c1", "link", "set", CLIENT_IF, "address", "02:66:00:00:00:01");
            assertEquals(first, udhcpc("rpdd-c1", CLIENT_IF).get("ip"), "the stored lease survived the restart");
        }
    }

    @Test
    void piShapedUdhcpcGetsThePiMenuAndSiaddr() throws Exception {
        Netns.must("ip", "-n", "rpdd-c1", "link", "set", CLIENT_IF, "address", "2c:cf:67:12:34:56");
        try (Running r = new Running(new FileLeaseStore(dir.resolve("pi-leases.txt"), true), Duration.ZERO)) {
            // option 97 = type 0, "RPi5", revision, MAC low bytes, serial 0x1a2b3c4d little-endian; option 93 = 0
            Map<String, String> env = udhcpc("rpdd-c1", CLIENT_IF,
                    "-x", "0x61:00525069357041d000671234564d3c2b1a", "-x", "0x5d:0000",
                    "-V", "PXEClient:Arch:00000:UNDI:002001", "-O", "43", "-O", "60", "-O", "66");
            assertTrue(env.get("ip") != null, "bound: " + env);
            assertEquals("10.66.0.1", env.get("siaddr"));
            assertEquals("10.66.0.1", env.get("tftp"));
            assertEquals("060103" + "0a0400505845" + "0914000011" + "5261737062657272792050692042" + "6f6f74" + "ff",
                    env.get("opt43"));
            assertEquals("PXEClient", env.get("vendor"), "option 60");
            assertTrue(exchanges.stream().anyMatch(x -> DhcpMessageType.ACK == x.reply() && "1a2b3c4d".equals(x.client().piSerial())
                    && x.client().kind() == io.rpideploy.netboot.api.ClientKind.RPI5));
        }
    }

    @Test
    void dhclientGetsALease() throws Exception {
        assumeTrue(Netns.run(5, "sh", "-c", "command -v dhclient").exit() == 0, "needs dhclient");
        Netns.must("ip", "-n", "rpdd-c1", "link", "set", CLIENT_IF, "address", "02:66:00:00:00:03");
        Path conf = dir.resolve("dhclient.conf");
        Files.writeString(conf, "request subnet-mask, broadcast-address, time-offset, domain-name-servers, "
                + "dhcp-lease-time, dhcp-server-identifier;\n");
        Path leases = dir.resolve("dhclient.leases");
        Path pid = dir.resolve("dhclient.pid");
        try (Running r = new Running(new FileLeaseStore(dir.resolve("dhclient-leases.txt"), true), Duration.ZERO)) {
            // -sf: our script that only prints, so the host's resolv.conf and interfaces are never touched;
            // -d keeps it in the foreground; timeout ends it after the BOUND event
            Netns.Result res = Netns.inNs("rpdd-c1", 8, "dhclient", "-d", "-1", "-v", "-cf", conf.toString(),
                    "-sf", script().toString(), "-lf", leases.toString(), "-pf", pid.toString(), CLIENT_IF);
            Map<String, String> env = bound(res.output(), "BOUND");
            String address = env.get("new_ip_address");
            assertTrue(address != null && address.startsWith("10.66.0."), res.output());
            assertEquals("255.255.255.0", env.get("new_subnet_mask"));
            assertEquals("43200", env.get("new_dhcp_lease_time"));
            assertEquals("10.66.0.1", env.get("new_dhcp_server_identifier"));
            assertEquals("10.66.0.1", env.get("new_domain_name_servers"));
        } finally {
            Netns.run(5, "ip", "netns", "exec", "rpdd-c1", "dhclient", "-x", "-pf", pid.toString(), "-lf",
                    leases.toString(), "-sf", script().toString(), CLIENT_IF);
        }
    }

    @Test
    void malformedPacketsFromTheWireAreDroppedAndTheLoopServesOn() throws Exception {
        Netns.must("ip", "-n", "rpdd-c1", "addr", "add", "10.66.0.3/24", "dev", CLIENT_IF);
        Netns.must("ip", "-n", "rpdd-c1", "link", "set", CLIENT_IF, "address", "02:66:00:00:00:04");
        byte[] good = Packets.fixture("plain-discover.hex");
        byte[] cookie = good.clone();
        cookie[236] = 0;
        byte[] reply = good.clone();
        reply[0] = 2;
        byte[] longOption = Packets.fixture("long-option-discover.hex");
        byte[] junk = new byte[1600];
        java.util.Arrays.fill(junk, (byte) 0x5a);
        junk[0] = 1;
        List<byte[]> bad = List.of(java.util.Arrays.copyOf(good, 100), cookie, reply, junk,
                java.util.Arrays.copyOf(longOption, longOption.length - 60), new byte[0]);
        try (Running r = new Running(new FileLeaseStore(dir.resolve("garbage-leases.txt"), true), Duration.ZERO)) {
            Netns.inNamespace("rpdd-c1", () -> {
                try (java.net.DatagramSocket s = new java.net.DatagramSocket(
                        new java.net.InetSocketAddress(ip("10.66.0.3"), 0))) {
                    s.setBroadcast(true);
                    for (int round = 0; round < 50; round++) {
                        for (byte[] b : bad) {
                            s.send(new java.net.DatagramPacket(b, b.length, ip("10.66.0.255"), 67));
                        }
                    }
                }
                return null;
            });
            Thread.sleep(300);
            assertTrue(exchanges.isEmpty(), "nothing answered: " + exchanges);
            String address = udhcpc("rpdd-c1", CLIENT_IF).get("ip");
            assertTrue(address != null && address.startsWith("10.66.0."), "still serving after 300 bad packets");
        } finally {
            Netns.run(5, "ip", "-n", "rpdd-c1", "addr", "del", "10.66.0.3/24", "dev", CLIENT_IF);
        }
    }

    @Test
    void noAckWhenTheLeaseCannotBeSaved() throws Exception {
        Netns.must("ip", "-n", "rpdd-c1", "link", "set", CLIENT_IF, "address", "02:66:00:00:00:05");
        io.rpideploy.netboot.policy.LeaseStore broken = new io.rpideploy.netboot.policy.LeaseStore() {
            public List<DhcpLease> load() {
                return List.of();
            }

            public void save(List<DhcpLease> changes) {
                throw new IllegalStateException("disk full");
            }
        };
        try (Running r = new Running(broken, Duration.ZERO)) {
            Map<String, String> env = udhcpc("rpdd-c1", CLIENT_IF);
            assertTrue(env.isEmpty(), "no lease without a durable lease: " + env);
            assertTrue(exchanges.stream().anyMatch(x -> DhcpMessageType.OFFER == x.reply()), "offers still go out");
            assertTrue(exchanges.stream().noneMatch(x -> DhcpMessageType.ACK == x.reply()), "never an ACK: " + exchanges);
            assertTrue(exchanges.stream().anyMatch(x -> DhcpMessageType.REQUEST == x.message() && x.reply() == null
                    && x.detail().contains("lease not saved")));
        }
    }

    @Test
    void aClientOnAnotherInterfaceGetsNoOffer() throws Exception {
        try (Running r = new Running(new FileLeaseStore(dir.resolve("other-leases.txt"), true), Duration.ZERO)) {
            Map<String, String> env = udhcpc("rpdd-c2", "rpdd1p");
            assertTrue(env.isEmpty(), "answered on an interface it is not bound to: " + env);
            assertTrue(exchanges.isEmpty(), "the server saw nothing: " + exchanges);
        }
    }

    @Test
    void anotherDhcpServerOnTheNetworkIsReported() throws Exception {
        Netns.must("ip", "-n", "rpdd-c1", "addr", "add", "10.66.0.2/24", "dev", CLIENT_IF);
        Path conf = dir.resolve("udhcpd.conf");
        Files.writeString(conf, "start 10.66.0.220\nend 10.66.0.230\ninterface " + CLIENT_IF + "\nlease_file "
                + dir.resolve("udhcpd.leases") + "\npidfile " + dir.resolve("udhcpd.pid") + "\nopt subnet 255.255.255.0\n");
        Files.writeString(dir.resolve("udhcpd.leases"), "");
        Process rogue = new ProcessBuilder("ip", "netns", "exec", "rpdd-c1", "timeout", "30", "busybox", "udhcpd", "-f",
                conf.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("udhcpd.out").toFile()).start();
        try (Running r = new Running(new FileLeaseStore(dir.resolve("rogue-leases.txt"), true), Duration.ofSeconds(1))) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (rogues.isEmpty() && System.nanoTime() < end) {
                Thread.sleep(100);
            }
            assertTrue(rogues.stream().anyMatch(s -> s.startsWith("10.66.0.2 ")), "rogue reported: " + rogues);
            assertTrue(exchanges.isEmpty(), "our engine did not answer its own probe: " + exchanges);
            assertTrue(r.server.leases().isEmpty());
        } finally {
            rogue.destroy();
            rogue.waitFor(3, TimeUnit.SECONDS);
            Netns.run(5, "ip", "-n", "rpdd-c1", "addr", "del", "10.66.0.2/24", "dev", CLIENT_IF);
        }
    }
}
