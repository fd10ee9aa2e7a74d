package io.rpideploy.bench.dhcp;

import io.rpideploy.netboot.api.DhcpMessageType;

import io.rpideploy.netboot.api.DhcpExchange;
import io.rpideploy.netboot.api.TftpTransferReport;

import io.rpideploy.netboot.dhcp.DhcpServer;
import io.rpideploy.netboot.dhcp.DhcpSettings;
import io.rpideploy.netboot.dhcp.FileLeaseStore;
import io.rpideploy.netboot.dhcp.Netns;
import io.rpideploy.netboot.dhcp.StandardBootPolicy;
import io.rpideploy.netboot.policy.LeaseStore;
import io.rpideploy.netboot.policy.NetbootEvents;
import java.io.File;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Our DHCP engine beside Kea (kea-dhcp4, memfile) and dnsmasq, in one run on one namespace setup: server namespace
 * {@code rpdd-bs} (veth {@code rpddbs} 10.66.0.1/16), client namespace {@code rpdd-bc} ({@code rpddbc} 10.66.0.2/16)
 * running ISC perfdhcp (full DORA sent to 255.255.255.255 with giaddr 10.66.0.2, as perfdhcp does; with the
 * server's unicast address as target perfdhcp 2.2 counts none of dnsmasq's replies). For each server: the highest rate of
 * a step series with zero drops, and the completed rate when perfdhcp sends as fast as it can. Kea, dnsmasq and
 * perfdhcp come from Debian packages fetched with {@code apt-get download} and unpacked with {@code dpkg -x} into the
 * work dir (never installed: their packages start services). Our server stores leases as the application does
 * (web-war LeaseBook: SQLite, WAL, synchronous=NORMAL, one transaction of upserts per batch; {@link SqliteLeaseStore})
 * and every ACK leaves only after its lease was committed; after the unthrottled step the benchmark checks, through a
 * fresh connection, that every lease it ACKed is in {@code dhcp_lease}. {@code ours-fsync} (opt-in) is the stricter
 * variant: a plain file fsynced per batch.
 * <p>
 * Settings (system properties): bench.steps (comma list), bench.seconds (per step), bench.clients (-R),
 * bench.servers (ours,kea,dnsmasq; also ours-fsync), bench.dir.
 */
public final class DhcpBenchmark {

    static final String SERVER_NS = "rpdd-bs";
    static final String CLIENT_NS = "rpdd-bc";
    static final String SERVER_IF = "rpddbs";
    static final String CLIENT_IF = "rpddbc";
    static final List<String> PACKAGES = List.of("kea-dhcp4-server", "kea-common", "kea-admin", "dnsmasq-base",
            "liblog4cplus-2.0.5", "libmariadb3", "libpq5", "libnetfilter-conntrack3", "libnftables1", "libnfnetlink0",
            "libnftnl11", "libjansson4");

    /** @param serverBufferDrops UDP receive-buffer overflows in the server namespace (Kea reads a raw socket: not counted) */
    record Step(int rate, long sent, long acks, long drops, double completedPerSecond, String raw,
                long serverBufferDrops, long clientBufferDrops) {
        boolean clean() {
            return drops == 0 && sent > 0 && acks == sent;
        }
    }

    /** @param check the durability check's line, or null */
    record Row(String server, int zeroDropRate, Step unthrottled, String note, String check) {
    }

    private final Path work;
    private final Path root;
    private final int seconds = Integer.getInteger("bench.seconds", 4);
    private final int clients = Integer.getInteger("bench.clients", 60000);
    private final List<Integer> steps = Stream.of(System.getProperty("bench.steps",
            "250,500,1000,2000,3000,4000,5000,6000,8000,10000,12000,15000").split(",")).map(String::trim)
            .map(Integer::valueOf).toList();
    private final List<Process> processes = new ArrayList<>();

    DhcpBenchmark(Path work) {
        this.work = work;
        this.root = work.resolve("root");
    }

    public static void main(String[] args) throws Exception {
        if (!Netns.isRoot()) {
            System.out.println("DhcpBenchmark needs root (network namespaces); skipped");
            return;
        }
        // default: beside this module's classes, bench/target/dhcp-bench
        Path base = System.getProperty("bench.dir") != null ? Path.of(System.getProperty("bench.dir"))
                : Path.of(DhcpBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent()
                        .resolve("dhcp-bench");
        Files.createDirectories(base);
        DhcpBenchmark b = new DhcpBenchmark(base.toAbsolutePath());
        Thread hook = new Thread(b::stopProcesses, "rpdd-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        List<Row> rows = new ArrayList<>();
        String loadAtStart = loadAverage();
        try (Netns net = new Netns()) {
            b.fetchBinaries();
            net.pair(SERVER_NS, SERVER_IF, "10.66.0.1/16", CLIENT_NS, CLIENT_IF, "10.66.0.2/16");
            for (String server : System.getProperty("bench.servers", "ours,kea,dnsmasq").split(",")) {
                rows.add(switch (server.trim()) {
                    case "ours" -> b.ours();
                    case "ours-fsync" -> b.oursFsync();
                    case "kea" -> b.external("kea-dhcp4 2.2 (memfile)", b.kea());
                    case "dnsmasq" -> b.external("dnsmasq 2.90", b.dnsmasq());
                    default -> throw new IllegalArgumentException(server);
                });
            }
        } finally {
            b.stopProcesses();
        }
        System.out.println();
        System.out.printf("DHCPv4 full DORA, perfdhcp -R %d, %d s per step, broadcast, giaddr 10.66.0.2; one 2-core machine;"
                + " load average at start %s, at end %s%n", b.clients, b.seconds, loadAtStart, loadAverage());
        System.out.printf("%-44s | %-20s | %-30s | %s%n", "server", "zero-drop max rate/s", "unthrottled completed/s",
                "notes");
        System.out.println("-".repeat(44) + "-+-" + "-".repeat(20) + "-+-" + "-".repeat(30) + "-+------");
        for (Row r : rows) {
            String u = r.unthrottled() == null ? "-" : String.format("%.0f (drops %d of %d)",
                    r.unthrottled().completedPerSecond(), r.unthrottled().drops(), r.unthrottled().sent());
            System.out.printf("%-44s | %-20s | %-30s | %s%n", r.server(),
                    r.zeroDropRate() == 0 ? "< " + b.steps.get(0) : String.valueOf(r.zeroDropRate()), u, r.note());
        }
        for (Row r : rows) {
            if (r.check() != null) {
                System.out.println(r.server() + ": " + r.check());
            }
        }
    }

    /** The 1, 5 and 15 minute load averages, so a reader can tell a busy machine's figures. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /**
     * Our engine in this JVM, its socket made inside the server namespace, storing leases as the application does
     * (SQLite WAL, synchronous=NORMAL, one transaction per batch). After the unthrottled step every MAC we ACKed in
     * it is looked up through a fresh connection: an ACK leaves only after its lease was committed, so all must be
     * there.
     */
    Row ours() throws Exception {
        Path db = work.resolve("ours-leases.db");
        for (String suffix : List.of("", "-wal", "-shm")) {
            Files.deleteIfExists(Path.of(db + suffix));
        }
        SqliteLeaseStore store = new SqliteLeaseStore(db);
        AckRecorder acks = new AckRecorder();
        String[] check = new String[1];
        try {
            long[] last = new long[4]; // saves, leases, slow saves so far; slowest save of the run (ns)
            Row r = serve("ours (engine + SQLite WAL store as the app)", store, acks, () -> acks.recording = true,
                    u -> check[0] = durability(db, acks, u), () -> {
                        long saves = store.saves.get() - last[0];
                        long leases = store.leasesSaved.get() - last[1];
                        long slow = store.slowSaves.get() - last[2];
                        last[0] = store.saves.get();
                        last[1] = store.leasesSaved.get();
                        last[2] = store.slowSaves.get();
                        long slowest = store.slowestSaveNanos.getAndSet(0);
                        last[3] = Math.max(last[3], slowest);
                        return String.format("store: %d transactions, %d leases, %d over 50 ms, slowest %d ms", saves,
                                leases, slow, slowest / 1_000_000);
                    });
            String note = String.format("%d leases in %d transactions (avg %.1f leases, %.2f ms; %d over 50 ms, slowest %d ms);"
                            + " ACK after commit", store.leasesSaved.get(), store.saves.get(),
                    store.saves.get() == 0 ? 0.0 : (double) store.leasesSaved.get() / store.saves.get(),
                    store.saves.get() == 0 ? 0.0 : store.saveNanos.get() / 1e6 / store.saves.get(),
                    store.slowSaves.get(), Math.max(last[3], store.slowestSaveNanos.get()) / 1_000_000);
            return new Row(r.server(), r.zeroDropRate(), r.unthrottled(), note, check[0]);
        } finally {
            store.close();
        }
    }

    /**
     * Run right after the unthrottled step, the engine still up and its connection open: every MAC we sent an ACK to
     * in that step must be 'bound' in dhcp_lease, read (1) through a fresh connection to the live file and (2) from a
     * copy of the database and WAL files as they are now on disk without the shared-memory index, i.e. what a
     * restart after {@code kill -9} would find.
     */
    String durability(Path db, AckRecorder acks, Step unthrottled) {
        acks.recording = false;
        Set<String> acked = Set.copyOf(acks.macs); // each was committed before its ACK was sent
        long sent = acks.count.get();
        try {
            Set<String> bound = SqliteLeaseStore.boundMacs(db);
            long stored = acked.stream().filter(bound::contains).count();
            Path killed = work.resolve("ours-leases-after-kill.db");
            for (String suffix : List.of("", "-wal", "-shm")) {
                Files.deleteIfExists(Path.of(killed + suffix));
            }
            Files.copy(db, killed);
            if (Files.exists(Path.of(db + "-wal"))) {
                Files.copy(Path.of(db + "-wal"), Path.of(killed + "-wal"));
            }
            Set<String> recovered = SqliteLeaseStore.boundMacs(killed);
            long survived = acked.stream().filter(recovered::contains).count();
            long perfAcks = unthrottled.acks();
            boolean problem = stored < acked.size() || survived < acked.size();
            String line = String.format("durability after the unthrottled step: acked %d (perfdhcp count; we sent %d"
                            + " ACKs to %d distinct MACs), stored %d of those %d as 'bound' (fresh connection; table %d"
                            + " bound rows), %d of %d in a copy of the files as after kill -9 -> %s",
                    perfAcks, sent, acked.size(), stored, acked.size(), bound.size(), survived, acked.size(),
                    problem ? "PROBLEM: " + (acked.size() - Math.min(stored, survived)) + " ACKed lease(s) missing"
                            : "OK, every ACKed lease is stored");
            System.out.println("   " + line);
            return line;
        } catch (IOException | java.sql.SQLException e) {
            return "durability check failed: " + e;
        }
    }

    /** The stricter variant (opt-in: bench.servers=...,ours-fsync): a plain file fsynced per batch. */
    Row oursFsync() throws Exception {
        Path leases = work.resolve("ours-leases.txt");
        Files.deleteIfExists(leases);
        FileLeaseStore store = new FileLeaseStore(leases, true);
        try {
            Row r = serve("ours (file, fsync per batch; stricter)", store, new AckRecorder(), () -> { },
                    u -> { }, () -> "");
            return new Row(r.server(), r.zeroDropRate(), r.unthrottled(), String.format(
                    "%d leases in %d fsynced batches (avg %.1f, slowest save %d ms); ACK after save",
                    store.leasesSaved.get(), store.saves.get(),
                    store.saves.get() == 0 ? 0.0 : (double) store.leasesSaved.get() / store.saves.get(),
                    store.slowestSaveNanos.get() / 1_000_000), null);
        } finally {
            store.close();
        }
    }

    /** Counts the ACKs we sent (and to whom) while recording; the engine fires the event after the send. */
    static final class AckRecorder implements NetbootEvents {
        volatile boolean recording;
        final Set<String> macs = ConcurrentHashMap.newKeySet();
        final AtomicLong count = new AtomicLong();

        public void dhcp(DhcpExchange exchange) {
            if (recording && DhcpMessageType.ACK == exchange.reply() && exchange.address() != null) {
                count.incrementAndGet();
                macs.add(exchange.client().mac());
            }
        }

        public void tftp(TftpTransferReport report) {
        }

        public void rogueDhcpServer(Inet4Address server, String serverMac, Instant seen) {
        }
    }

    private Row serve(String name, LeaseStore store, NetbootEvents events, Runnable beforeUnthrottled,
                      Consumer<Step> afterUnthrottled, java.util.function.Supplier<String> stepInfo)
            throws Exception {
        DhcpSettings s = new DhcpSettings(SERVER_IF, ip("10.66.0.1"), ip("255.255.0.0"), ip("10.66.1.0"),
                ip("10.66.255.254"), Duration.ofHours(12), null, List.of(), 67, 68, Duration.ZERO);
        ExecutorService pool = Executors.newCachedThreadPool();
        DhcpServer server = new DhcpServer(s, new StandardBootPolicy(null, null, null, Map.of()), store, events,
                Clock.systemUTC(), pool);
        try {
            inNamespace(SERVER_NS, () -> {
                server.open();
                return null;
            });
            pool.execute(server::run);
            Row r = measure(name, beforeUnthrottled, stepInfo, DhcpBenchmark::ownCpuNanos);
            afterUnthrottled.accept(r.unthrottled()); // before close: the engine and its connection still up
            return r;
        } finally {
            server.close();
            pool.shutdownNow();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    Row external(String name, Process p) throws Exception {
        try {
            Thread.sleep(1500);
            if (!p.isAlive()) {
                return new Row(name, 0, null, "did not start: " + Files.readString(work.resolve("server.log")), null);
            }
            return measure(name, () -> { }, () -> "", () -> treeCpuNanos(p));
        } finally {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            processes.remove(p);
        }
    }

    /**
     * @param stepInfo appended to each step's line (our store's figures for that step)
     * @param cpuNanos the server's CPU time so far (user + system), to print its CPU per completed DORA
     */
    Row measure(String name, Runnable beforeUnthrottled, java.util.function.Supplier<String> stepInfo,
                java.util.function.LongSupplier cpuNanos) throws Exception {
        System.out.println("== " + name);
        int best = 0;
        for (int rate : steps) {
            long cpu0 = cpuNanos.getAsLong();
            Step st = perfdhcp(rate);
            String cpu = cpuLine(cpuNanos.getAsLong() - cpu0, st);
            System.out.printf("   rate %6d/s: sent %7d, ACKs %7d, drops %6d, completed %.0f/s; UDP rcvbuf overflows:"
                            + " server ns %d, client ns %d%n", rate, st.sent(), st.acks(), st.drops(),
                    st.completedPerSecond(), st.serverBufferDrops(), st.clientBufferDrops());
            String info = stepInfo.get();
            System.out.println("      " + cpu + (info.isEmpty() ? "" : "; " + info));
            if (!st.clean()) {
                break;
            }
            best = rate;
        }
        beforeUnthrottled.run();
        long cpu0 = cpuNanos.getAsLong();
        Step u = perfdhcp(0);
        String cpu = cpuLine(cpuNanos.getAsLong() - cpu0, u);
        System.out.printf("   unthrottled: sent %7d, ACKs %7d, drops %6d, completed %.0f/s; UDP rcvbuf overflows:"
                + " server ns %d, client ns %d%n", u.sent(), u.acks(), u.drops(), u.completedPerSecond(),
                u.serverBufferDrops(), u.clientBufferDrops());
        String info = stepInfo.get();
        System.out.println("      " + cpu + (info.isEmpty() ? "" : "; " + info));
        return new Row(name, best, u, "", null);
    }

    /** Server CPU over a step (it includes the 1 s pause before perfdhcp starts and the wait for stragglers). */
    private String cpuLine(long nanos, Step st) {
        return String.format("server CPU %.2f s = %.0f us per ACKed DORA", nanos / 1e9,
                st.acks() == 0 ? 0.0 : nanos / 1e3 / st.acks());
    }

    /** This JVM's CPU time: our engine (Maven idles meanwhile). */
    static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** CPU time of a started server: the sum over its process tree of utime + stime from /proc (100 Hz ticks). */
    public static long treeCpuNanos(Process p) {
        long ticks = 0;
        for (ProcessHandle h : Stream.concat(Stream.of(p.toHandle()), p.descendants()).toList()) {
            try {
                String stat = Files.readString(Path.of("/proc/" + h.pid() + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15: utime, stime
            } catch (IOException | RuntimeException e) {
                // gone meanwhile
            }
        }
        return ticks * 10_000_000L;
    }

    Step perfdhcp(int rate) throws Exception {
        Thread.sleep(1000); // let the previous step's stragglers go
        List<String> cmd = new ArrayList<>(List.of("env", "LD_LIBRARY_PATH=" + libs(),
                root.resolve("usr/sbin/perfdhcp").toString(), "-4", "-l", CLIENT_IF, "-R", String.valueOf(clients),
                "-p", String.valueOf(seconds), "-W", "1500000"));
        if (rate > 0) {
            cmd.addAll(List.of("-r", String.valueOf(rate))); // without -r perfdhcp sends as fast as it can
        }
        long[] serverBefore = udpBufferErrors(SERVER_NS);
        long[] clientBefore = udpBufferErrors(CLIENT_NS);
        Netns.Result r = Netns.inNs(CLIENT_NS, seconds + 20, cmd.toArray(String[]::new));
        long[] serverAfter = udpBufferErrors(SERVER_NS);
        long[] clientAfter = udpBufferErrors(CLIENT_NS);
        String out = r.output();
        long[] doSent = section(out, "DISCOVER-OFFER");
        long[] raSent = section(out, "REQUEST-ACK");
        long sent = doSent[0];
        long acks = raSent[1];
        long drops = doSent[2] + raSent[2];
        if (sent == 0) {
            System.out.println("   perfdhcp output: " + out);
        }
        return new Step(rate, sent, acks, drops, acks / (double) seconds, out,
                serverAfter[0] - serverBefore[0], clientAfter[0] - clientBefore[0]);
    }

    /** UDP RcvbufErrors of a namespace (/proc/net/snmp there): datagrams a full socket buffer dropped. */
    static long[] udpBufferErrors(String ns) {
        Netns.Result r = Netns.inNs(ns, 5, "cat", "/proc/net/snmp");
        String[] lines = r.output().lines().filter(l -> l.startsWith("Udp:")).toArray(String[]::new);
        if (lines.length < 2) {
            return new long[1];
        }
        List<String> names = List.of(lines[0].trim().split("\\s+"));
        String[] values = lines[1].trim().split("\\s+");
        int i = names.indexOf("RcvbufErrors");
        return new long[]{i < 0 ? 0 : Long.parseLong(values[i])};
    }

    /** sent, received, drops of one perfdhcp statistics section. */
    static long[] section(String out, String name) {
        int at = out.indexOf("Statistics for: " + name);
        if (at < 0) {
            return new long[3];
        }
        String s = out.substring(at);
        return new long[]{number(s, "sent packets: (\\d+)"), number(s, "received packets: (\\d+)"),
                number(s, "drops: (\\d+)")};
    }

    static long number(String s, String regex) {
        Matcher m = Pattern.compile(regex).matcher(s);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    Process kea() throws IOException {
        Path leases = work.resolve("kea-leases4.csv");
        Files.deleteIfExists(leases);
        Path conf = work.resolve("kea-dhcp4.json");
        Files.writeString(conf, """
                {"Dhcp4": {
                  "interfaces-config": {"interfaces": ["%s"], "dhcp-socket-type": "raw"},
                  "lease-database": {"type": "memfile", "persist": true, "name": "%s", "lfc-interval": 0},
                  "valid-lifetime": 43200,
                  "subnet4": [{"id": 1, "subnet": "10.66.0.0/16",
                               "pools": [{"pool": "10.66.1.0 - 10.66.255.254"}],
                               "option-data": [{"name": "subnet-mask", "data": "255.255.0.0"}]}],
                  "loggers": [{"name": "kea-dhcp4", "output_options": [{"output": "stdout"}], "severity": "WARN"}]
                }}
                """.formatted(SERVER_IF, leases));
        return start("env", "LD_LIBRARY_PATH=" + libs(), "KEA_PIDFILE_DIR=" + work, "KEA_LOCKFILE_DIR=" + work,
                root.resolve("usr/sbin/kea-dhcp4").toString(), "-c", conf.toString());
    }

    Process dnsmasq() throws IOException {
        Path leases = work.resolve("dnsmasq.leases");
        Files.deleteIfExists(leases);
        return start("env", "LD_LIBRARY_PATH=" + libs(), root.resolve("usr/sbin/dnsmasq").toString(), "-k",
                "-C", "/dev/null", "--port=0", "--interface=" + SERVER_IF, "--bind-interfaces",
                "--dhcp-range=10.66.1.0,10.66.255.254,255.255.0.0,12h", "--dhcp-lease-max=70000",
                "--dhcp-leasefile=" + leases, "--pid-file=" + work.resolve("dnsmasq.pid"), "--dhcp-authoritative",
                // --no-ping: with its ICMP check of each new address dnsmasq answered nothing in time
                "--quiet-dhcp", "--no-ping", "--no-resolv", "--no-hosts", "--user=root", "--group=root", "--log-facility=-");
    }

    private Process start(String... cmd) throws IOException {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", SERVER_NS, "timeout", "900"));
        c.addAll(List.of(cmd));
        Process p = new ProcessBuilder(c).redirectErrorStream(true)
                .redirectOutput(work.resolve("server.log").toFile()).start();
        processes.add(p);
        return p;
    }

    synchronized void stopProcesses() {
        for (Process p : List.copyOf(processes)) {
            p.destroy();
            try {
                if (!p.waitFor(3, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
    }

    /** Kea, dnsmasq and perfdhcp unpacked from Debian packages into the work dir (not installed). */
    void fetchBinaries() throws IOException {
        if (Files.isExecutable(root.resolve("usr/sbin/kea-dhcp4")) && Files.isExecutable(root.resolve("usr/sbin/dnsmasq"))
                && Files.isExecutable(root.resolve("usr/sbin/perfdhcp"))) {
            return;
        }
        Path debs = work.resolve("debs");
        Files.createDirectories(debs);
        List<String> cmd = new ArrayList<>(List.of("apt-get", "download"));
        cmd.addAll(PACKAGES);
        Netns.Result r = run(debs, 300, cmd);
        if (r.exit() != 0) {
            throw new IllegalStateException("apt-get download failed: " + r.output());
        }
        try (Stream<Path> files = Files.list(debs)) {
            for (Path deb : files.filter(f -> f.toString().endsWith(".deb")).toList()) {
                Netns.Result x = run(work, 120, List.of("dpkg", "-x", deb.toString(), root.toString()));
                if (x.exit() != 0) {
                    throw new IllegalStateException("dpkg -x " + deb + ": " + x.output());
                }
            }
        }
    }

    private static Netns.Result run(Path dir, int seconds, List<String> cmd) throws IOException {
        List<String> c = new ArrayList<>(List.of("timeout", String.valueOf(seconds)));
        c.addAll(cmd);
        Process p = new ProcessBuilder(c).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            return new Netns.Result(p.waitFor(), out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private String libs() {
        return root.resolve("usr/lib/x86_64-linux-gnu") + File.pathSeparator + root.resolve("usr/lib/x86_64-linux-gnu/kea/hooks");
    }

    private static Inet4Address ip(String s) throws IOException {
        return (Inet4Address) InetAddress.getByName(s);
    }

    /** Runs a task on a fresh thread inside a network namespace; sockets it makes live there. */
    static <T> T inNamespace(String ns, Netns.NsTask<T> task) throws Exception {
        return Netns.inNamespace(ns, task);
    }
}
