package io.rpideploy.bench.tftp;

import io.rpideploy.bench.dhcp.DhcpBenchmark;
import io.rpideploy.netboot.policy.BootFileSource;
import io.rpideploy.netboot.tftp.NetnsLab;
import io.rpideploy.netboot.tftp.TftpServer;
import io.rpideploy.netboot.tftp.TftpServerMain;
import io.rpideploy.netboot.tftp.TftpSettings;
import io.rpideploy.netboot.tftp.TftpTestClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Our TFTP engine beside atftpd, tftpd-hpa and dnsmasq's TFTP server (the reference for the short fetches),
 * Debian binaries unpacked with {@code apt-get download} and {@code dpkg -x}, never installed, in one run, on one
 * namespace lab: servers on 10.77.72.1, clients in the namespace; dnsmasq on port 69 (it has no option for another).
 * Each row runs several times per server, interleaved (each repetition starting with another server), and prints
 * the medians. Needs root. Settings (system properties):
 * <ul>
 * <li>{@code bench.reps=3}: samples per row; {@code bench.shortReps=9} for the short-fetch row, whose samples of 200
 * fetches take 25 ms each, so that one pause of a few ms does not make the median;</li>
 * <li>{@code bench.shortWarmup=20000}: uncounted 4 KiB fetches per server before the short-fetch row, so that no
 * server's request path is measured while it is still being compiled (ours is Java, and a deployment server has
 * served many requests before a Pi's); {@code bench.shortFetches=200}; after the row, the median of each round
 * trip of those fetches per server (where the time of a fetch goes);</li>
 * <li>{@code bench.oursOwnJvm=true}: our engine in a JVM of its own ({@link TftpServerMain}, with the start
 * script's JVM options), as each reference runs in a process of its own; false: in this JVM, beside the
 * clients;</li>
 * <li>{@code bench.oursThreads=<loops>,<lanes>}: for experiments (default: as in production);</li>
 * <li>{@code bench.rows=curl,atftp,short,concurrent,deployed}: the row groups to run ({@code deployed}: the short
 * fetches from rpi-deploy as deployed, {@code bench.dist=domain-config/target/rpi-deploy}, beside the engine
 * alone and dnsmasq, and each server's CPU per fetch over {@code bench.cpuFetches=20000} more fetches);
 * {@code bench.samples=true}: print every sample; {@code bench.work=<dir>} (default
 * {@code bench/target/tftp-bench}).</li>
 * </ul>
 */
public final class TftpBenchmark {

    private static final int MIB = 1024 * 1024;
    private static final Duration CLIENT_LIMIT = Duration.ofSeconds(120);
    private static final Duration TOTAL_LIMIT = Duration.ofMinutes(25);
    private static final String[] SERVERS = {"ours", "atftpd", "tftpd-hpa", "dnsmasq"};

    private final int reps = Integer.getInteger("bench.reps", 3);
    private final List<String> rows = List.of(System.getProperty("bench.rows",
            "curl,atftp,short,concurrent,deployed").split(","));
    /** The built distribution, for the "deployed" row. */
    private final Path dist = Path.of(System.getProperty("bench.dist", "domain-config/target/rpi-deploy"))
            .toAbsolutePath();
    private static final int DEPLOYED_PORT = 6904;
    private static final long CPU_SETTLE_MILLIS = 600;
    private final int shortWarmup = Integer.getInteger("bench.shortWarmup", 20000);
    private final int shortFetches = Integer.getInteger("bench.shortFetches", 200);
    /** A sample of 200 short fetches takes 25 ms: more of them, so one pause of a few ms does not make the median. */
    private final int shortReps = Integer.getInteger("bench.shortReps", 9);
    private final int cpuFetches = Integer.getInteger("bench.cpuFetches", 20000);
    /** Ours in a JVM of its own (like the references, each a process of its own), or in the benchmark's JVM. */
    private final boolean oursOwnJvm = Boolean.parseBoolean(System.getProperty("bench.oursOwnJvm", "true"));
    private final long deadline = System.nanoTime() + TOTAL_LIMIT.toNanos();
    private final List<Process> daemons = new ArrayList<>();
    /** Each server's process where it has one of its own (ours only with {@code bench.oursOwnJvm}), for its CPU. */
    private final Process[] serverProcess = new Process[SERVERS.length];
    private Path work;
    private Path data;
    private NetnsLab lab;
    private TftpServer ours;
    private Thread loop;
    // dnsmasq has no option for its TFTP listening port: always 69
    private final int[] ports = {6901, 6902, 6903, 69};
    /** Per server, the round trips of each fetch of the measured short-fetch row ({@link #printSteps()}). */
    private final List<List<long[]>> steps = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
            new ArrayList<>());
    private boolean collectSteps;

    public static void main(String[] args) {
        TftpBenchmark bench = new TftpBenchmark();
        int status = 0;
        try {
            bench.run();
        } catch (Exception e) {
            System.out.flush();
            System.err.println("TftpBenchmark failed: " + e);
            e.printStackTrace();
            status = 1;
        } finally {
            bench.cleanUp();
        }
        if (status != 0) {
            System.exit(status);
        }
    }

    private void run() throws Exception {
        if (!NetnsLab.available()) {
            System.out.println("TftpBenchmark: needs root and iproute2 (network namespaces); nothing measured");
            return;
        }
        work = Path.of(System.getProperty("bench.work", defaultWork().toString())).toAbsolutePath();
        Path bin = binaries(work.resolve("debs"));
        if (bin == null) {
            return;
        }
        data = work.resolve("root");
        deleteTree(data);
        Files.createDirectories(data);
        Random random = new Random(7);
        write(data.resolve("f64.bin"), random, 64 * MIB);
        write(data.resolve("f32.bin"), random, 32 * MIB);
        write(data.resolve("f4k.bin"), random, 4096);
        // atftpd and tftpd-hpa drop to nobody: the tree must be world-readable
        for (Path p : List.of(work, data)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        try (Stream<Path> files = Files.list(data)) {
            for (Path f : files.toList()) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
        Path outputs = Files.createDirectories(work.resolve("out"));

        lab = new NetnsLab("bench", 72);
        String host = lab.hostAddress();
        startServers(bin, host);

        System.out.printf("TftpBenchmark %s: %d cores, load %s, Java %s, median of %d%n", Instant.now(),
                Runtime.getRuntime().availableProcessors(), loadAverage(), Runtime.version(), reps);
        String threads = System.getProperty("bench.oursThreads");
        System.out.printf("servers on %s (ours %s, %s), clients in netns %s%n", host,
                oursOwnJvm ? "in a JVM of its own" : "in this JVM", threads == null
                        ? "selector loops and lanes as in production" : "loops,lanes " + threads, lab.namespace());
        System.out.printf("%-44s %10s %10s %10s %10s %12s %12s%n", "row", "ours", "atftpd", "tftpd-hpa", "dnsmasq",
                "ours/atftpd", "ours/dnsmasq");

        // warm-up: every server once, so JIT compilation is not in the first measured row
        for (int s = 0; s < SERVERS.length; s++) {
            curl(s, "f32.bin", 1468, outputs.resolve("warm"));
        }

        for (int blksize : rows.contains("curl") ? new int[] {512, 1468, 8192} : new int[0]) {
            int b = blksize;
            row("curl 64 MiB blksize " + b + " (MB/s)", true,
                    s -> mbPerSecond(64L * MIB, curl(s, "f64.bin", b, outputs.resolve("c" + s))));
        }
        for (int window : rows.contains("atftp") ? new int[] {1, 4, 16} : new int[0]) {
            int w = window;
            row("atftp 64 MiB blksize 1468 windowsize " + w + " (MB/s)", true,
                    s -> mbPerSecond(64L * MIB, atftp(s, "f64.bin", 1468, w, outputs.resolve("a" + s))));
        }
        if (rows.contains("short")) {
            for (int s = 0; s < SERVERS.length; s++) {
                fetches(s, shortWarmup);
            }
            collectSteps = true;
            row(shortFetches + " x 4 KiB, Java client, blksize 1468 (ms/fetch)", false, shortReps,
                    s -> fetches(s, shortFetches));
            collectSteps = false;
            printSteps();
        }
        if (rows.contains("concurrent")) {
            row("10 concurrent curl x 32 MiB blksize 1468 (MB/s)", true, s -> concurrent(s, 10, outputs));
        }
        if (rows.contains("deployed")) {
            deployedRow();
        }
        System.out.println("ratio > 1 means ours is better (for ms/fetch: their ms / ours ms)."
                + " tftpd-hpa 5.2 and dnsmasq 2.90 do not implement windowsize: they answer without it (window 1).");
    }

    private interface Measure {
        /** One measurement of server {@code s}, or NaN on failure. */
        double of(int server) throws Exception;
    }

    private void row(String name, boolean higherIsBetter, Measure measure) throws Exception {
        row(name, higherIsBetter, reps, measure);
    }

    private void row(String name, boolean higherIsBetter, int reps, Measure measure) throws Exception {
        double[][] samples = new double[SERVERS.length][reps];
        for (int r = 0; r < reps; r++) {
            // each repetition starts with another server: none is always measured right after the same one
            for (int i = 0; i < SERVERS.length; i++) {
                int s = (r + i) % SERVERS.length;
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("benchmark time limit of " + TOTAL_LIMIT + " reached");
                }
                samples[s][r] = measure.of(s);
            }
        }
        double[] medians = new double[SERVERS.length];
        for (int s = 0; s < SERVERS.length; s++) {
            medians[s] = median(samples[s]);
            if (Boolean.getBoolean("bench.samples")) {
                System.out.printf("  %-10s %s%n", SERVERS[s], Arrays.toString(samples[s]));
            }
        }
        System.out.printf("%-44s %10s %10s %10s %10s %11sx %11sx%n", name, fmt(medians[0]), fmt(medians[1]),
                fmt(medians[2]), fmt(medians[3]), fmt(ratio(medians[0], medians[1], higherIsBetter)),
                fmt(ratio(medians[0], medians[3], higherIsBetter)));
    }

    /** Ours against a reference: above 1 means ours is better (for times: theirs / ours). */
    private static double ratio(double ours, double theirs, boolean higherIsBetter) {
        return higherIsBetter ? ours / theirs : theirs / ours;
    }

    private void startServers(Path bin, String host) throws Exception {
        if (oursOwnJvm) {
            String classpath = codeSource(TftpServer.class) + java.io.File.pathSeparator
                    + codeSource(TftpServerMain.class);
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(),
                    // the JVM options bin/rpideploy starts the server with by default
                    "-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-cp", classpath, TftpServerMain.class.getName(), host,
                    Integer.toString(ports[0]), data.toString()));
            if (System.getProperty("bench.oursThreads") != null) {
                // "<loops>,<lanes>": for experiments; the default is what production runs with
                command.addAll(List.of(System.getProperty("bench.oursThreads").split(",")));
            }
            serverProcess[0] = daemon(command, Map.of(), work.resolve("ours.log"));
            daemons.add(serverProcess[0]);
        } else {
            TftpSettings settings = TftpSettings.defaults(new InetSocketAddress(InetAddress.getByName(host),
                    ports[0]), data);
            ours = new TftpServer(settings, BootFileSource.NONE, TftpServerMain.IGNORED, Clock.systemUTC());
            ours.open();
            loop = new Thread(ours::run, "tftp-bench-ours");
            loop.setDaemon(true);
            loop.start();
        }

        Map<String, String> env = Map.of("LD_LIBRARY_PATH",
                bin.resolve("usr/lib/x86_64-linux-gnu") + ":" + bin.resolve("lib/x86_64-linux-gnu"));
        daemons.add(daemon(List.of(bin.resolve("usr/sbin/atftpd").toString(), "--daemon", "--no-fork",
                "--port", Integer.toString(ports[1]), "--bind-address", host, "--logfile", "/dev/null",
                "--maxthread", "200", data.toString()), env, work.resolve("atftpd.log")));
        daemons.add(daemon(List.of(bin.resolve("usr/sbin/in.tftpd").toString(), "-L", "-a",
                host + ":" + ports[2], "-s", data.toString()), env, work.resolve("tftpd-hpa.log")));
        // TFTP only (--port=0: no DNS), on the host address alone, as many transfers as atftpd's threads
        serverProcess[3] = daemon(List.of(bin.resolve("usr/sbin/dnsmasq").toString(), "-k", "-C", "/dev/null",
                "--port=0", "--listen-address=" + host, "--bind-interfaces", "--enable-tftp", "--tftp-root=" + data,
                "--tftp-max=200", "--quiet-tftp", "--no-resolv", "--no-hosts", "--user=root", "--group=root",
                "--pid-file=" + work.resolve("dnsmasq.pid"), "--log-facility=-"), env, work.resolve("dnsmasq.log"));
        daemons.add(serverProcess[3]);
        // all must answer before anything is measured
        for (int s = 0; s < SERVERS.length; s++) {
            boolean up = false;
            for (int attempt = 0; attempt < 50 && !up; attempt++) {
                try (TftpTestClient client = new TftpTestClient(200)) {
                    up = client.get(new InetSocketAddress(host, ports[s]), "f4k.bin", Map.of()).length == 4096;
                } catch (IOException e) {
                    Thread.sleep(100);
                }
            }
            if (!up) {
                throw new IllegalStateException(SERVERS[s] + " does not answer on port " + ports[s]
                        + "; see " + work);
            }
        }
        // another TFTP server already on a port would have answered for one that died (dnsmasq has port 69 only)
        for (Process daemon : daemons) {
            if (!daemon.isAlive()) {
                throw new IllegalStateException("a server exited at start (" + daemon.info().commandLine()
                        .orElse("?") + "); see the logs in " + work);
            }
        }
    }

    private static String codeSource(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private Process daemon(List<String> command, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    private double curl(int server, String file, int blksize, Path target) throws IOException {
        Files.deleteIfExists(target);
        NetnsLab.Result r = lab.exec(CLIENT_LIMIT, "curl", "-s", "-S", "--tftp-blksize", Integer.toString(blksize),
                "tftp://" + lab.hostAddress() + ":" + ports[server] + "/" + file, "-o", target.toString());
        return checked(r, target, file);
    }

    private double atftp(int server, String file, int blksize, int window, Path target) throws IOException {
        Files.deleteIfExists(target);
        NetnsLab.Result r = lab.exec(CLIENT_LIMIT, "atftp", "--get", "-r", file, "-l", target.toString(),
                "--option", "blksize " + blksize, "--option", "windowsize " + window, lab.hostAddress(),
                Integer.toString(ports[server]));
        return checked(r, target, file);
    }

    /** Seconds, or NaN when the client failed or the copy has the wrong size. */
    private double checked(NetnsLab.Result r, Path target, String file) throws IOException {
        if (r.exit() != 0 || !Files.exists(target) || Files.size(target) != Files.size(data.resolve(file))) {
            System.out.println("  (a client failed: exit " + r.exit() + ", " + r.output().strip() + ")");
            return Double.NaN;
        }
        Files.delete(target);
        return r.nanos() / 1e9;
    }

    /** Milliseconds per fetch of the 4 KiB file, {@code count} one after the other; NaN on a failure. */
    private double fetches(int server, int count) throws IOException {
        return fetchesAt(SERVERS[server], ports[server], count, collectSteps ? steps.get(server) : null);
    }

    /** Milliseconds per fetch of the 4 KiB file from {@code port}, or NaN; each fetch's round trips to {@code sink}. */
    private double fetchesAt(String server, int port, int count, List<long[]> sink) throws IOException {
        InetSocketAddress address = new InetSocketAddress(lab.hostAddress(), port);
        try (TftpTestClient client = new TftpTestClient(2000)) {
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                if (client.get(address, "f4k.bin", Map.of("blksize", "1468", "tsize", "0")).length != 4096) {
                    return Double.NaN;
                }
                if (sink != null) {
                    sink.add(client.lastSteps());
                }
            }
            return (System.nanoTime() - start) / 1e6 / count;
        } catch (IOException e) {
            System.out.println("  (" + server + ": " + e.getMessage() + ")");
            return Double.NaN;
        }
    }

    /**
     * The short fetches from rpi-deploy as deployed ({@code bench.dist}, started with {@code bin/rpideploy} and
     * TFTP on the lab's address), beside our engine alone (the "ours" of every other row) and dnsmasq, interleaved:
     * deployed, each request also asks the application's MDB for the file and each transfer is recorded in the
     * database, as the issue asks; the other rows measure the engine with the boot tree as its file source.
     */
    private void deployedRow() throws Exception {
        Path script = dist.resolve("bin/rpideploy");
        if (!Files.isExecutable(script)) {
            System.out.println("deployed row skipped: no distribution at " + dist
                    + " (build it first: mvn -B -q package -DskipTests -DskipITs)");
            return;
        }
        Path home = work.resolve("deployed-home");
        deleteTree(home);
        Files.createDirectories(home);
        String host = lab.hostAddress();
        ProcessBuilder builder = new ProcessBuilder(script.toString()).redirectErrorStream(true)
                .redirectOutput(work.resolve("deployed.log").toFile());
        builder.environment().keySet().removeIf(key -> key.startsWith("RPIDEPLOY_"));
        builder.environment().putAll(Map.of(
                "RPIDEPLOY_HOME", home.toString(),
                "RPIDEPLOY_MANAGEMENT_ADDRESS", "127.0.0.1",
                "RPIDEPLOY_MANAGEMENT_PORT", "25010",
                "RPIDEPLOY_DEPLOYMENT_ADDRESS", "127.0.0.1",
                "RPIDEPLOY_DEPLOYMENT_PORT", "25011",
                "RPIDEPLOY_ADMIN_PASSWORD", randomPassword(),
                "RPIDEPLOY_NETBOOT_TFTP_ADDRESS", host,
                "RPIDEPLOY_NETBOOT_TFTP_PORT", Integer.toString(DEPLOYED_PORT),
                "RPIDEPLOY_NETBOOT_BOOT_ROOT", data.toString(),
                "JAVA_HOME", System.getProperty("java.home")));
        builder.environment().put("RPIDEPLOY_BOOT_ENV_INSTALLER_BUILD", "never"); // no Debian downloads in a benchmark
        Process deployed = builder.start();
        daemons.add(deployed);
        try {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
            boolean up = false;
            while (!up) {
                if (!deployed.isAlive() || System.nanoTime() > until) {
                    throw new IllegalStateException("rpi-deploy did not serve TFTP on " + host + ":" + DEPLOYED_PORT
                            + "; see " + work.resolve("deployed.log"));
                }
                try (TftpTestClient client = new TftpTestClient(200)) {
                    up = client.get(new InetSocketAddress(host, DEPLOYED_PORT), "f4k.bin", Map.of()).length == 4096;
                } catch (IOException notYet) {
                    Thread.sleep(500);
                }
            }
            String[] names = {"ours (engine)", "deployed", "dnsmasq"};
            int[] at = {ports[0], DEPLOYED_PORT, ports[3]};
            // every server warmed here too: the row may run alone, and after other rows the engine's JIT state
            // is that of bulk transfers
            for (int i = 0; i < names.length; i++) {
                fetchesAt(names[i], at[i], shortWarmup, null);
            }
            double[][] samples = new double[3][shortReps];
            for (int r = 0; r < shortReps; r++) {
                for (int i = 0; i < 3; i++) {
                    int k = (r + i) % 3;
                    samples[k][r] = fetchesAt(names[k], at[k], shortFetches, null);
                }
            }
            double engine = median(samples[0]);
            double asDeployed = median(samples[1]);
            double dnsmasq = median(samples[2]);
            System.out.printf("%-44s %10s %10s %10s %17s %17s%n", "deployed beside the engine alone", "ours",
                    "deployed", "dnsmasq", "deployed time/ours", "deployed/dnsmasq");
            System.out.printf("%-44s %10s %10s %10s %16sx %16sx%n", shortFetches
                    + " x 4 KiB, Java client (ms/fetch)", fmt(engine), fmt(asDeployed), fmt(dnsmasq),
                    fmt(asDeployed / engine), fmt(dnsmasq / asDeployed));
            printCpuPerFetch(names, new Process[] {serverProcess[0], deployed, serverProcess[3]}, at);
        } finally {
            deployed.destroy();
            if (!deployed.waitFor(30, TimeUnit.SECONDS)) {
                deployed.destroyForcibly();
            }
            daemons.remove(deployed);
        }
    }

    /**
     * The servers' own CPU time per short fetch (user + system, from /proc, over {@code bench.cpuFetches} fetches
     * each, in two interleaved halves): a figure the machine's noise moves far less than the time per fetch, and on
     * two cores, where client and server mostly take turns, the server's share of a fetch's cost.
     */
    private void printCpuPerFetch(String[] names, Process[] processes, int[] at)
            throws IOException, InterruptedException {
        double[] cpu = new double[names.length];
        int half = cpuFetches / 2;
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < names.length; i++) {
                int k = (round + i) % names.length;
                if (processes[k] == null) {
                    cpu[k] = Double.NaN;
                    continue;
                }
                long before = DhcpBenchmark.treeCpuNanos(processes[k]);
                double ms = fetchesAt(names[k], at[k], half, null);
                // work a server does after the last answer belongs to these fetches too: deployed, the journal
                // writes the transfers every 250 ms (same wait for every server)
                Thread.sleep(CPU_SETTLE_MILLIS);
                cpu[k] += Double.isNaN(ms) ? Double.NaN : DhcpBenchmark.treeCpuNanos(processes[k]) - before;
            }
        }
        System.out.printf("  %-42s", "server CPU per fetch, user+sys us");
        for (double nanos : cpu) {
            System.out.printf(" %10s", Double.isNaN(nanos) ? "-" : String.format("%.0f", nanos / 1e3 / (2.0 * half)));
        }
        System.out.println();
    }

    /**
     * Where a short fetch's time goes, per server: the median of each round trip the client saw (its request to the
     * first reply, then each ACK to the next DATA), over every fetch of the short-fetch row. The client is the same
     * for all, so a step that differs between servers differs on the server's side.
     */
    private void printSteps() {
        System.out.printf("  %-42s %10s %10s %10s %10s%n", "round trips of those fetches, median us", SERVERS[0],
                SERVERS[1], SERVERS[2], SERVERS[3]);
        String[] names = {"request -> first reply (OACK)", "ACK 0 -> DATA 1", "ACK 1 -> DATA 2", "ACK 2 -> DATA 3"};
        for (int step = 0; step < names.length; step++) {
            StringBuilder line = new StringBuilder(String.format("  %-42s", names[step]));
            for (int s = 0; s < SERVERS.length; s++) {
                int k = step;
                double[] values = steps.get(s).stream().filter(t -> t.length > k).mapToDouble(t -> t[k] / 1e3)
                        .toArray();
                line.append(String.format(" %10s", values.length == 0 ? "-" : String.format("%.1f",
                        median(values))));
            }
            System.out.println(line);
        }
    }

    private double concurrent(int server, int clients, Path outputs) throws Exception {
        List<Process> processes = new ArrayList<>();
        long start = System.nanoTime();
        try {
            for (int i = 0; i < clients; i++) {
                Path target = outputs.resolve("k" + i);
                Files.deleteIfExists(target);
                processes.add(lab.start(List.of("timeout", "120", "curl", "-s", "--tftp-blksize", "1468",
                        "tftp://" + lab.hostAddress() + ":" + ports[server] + "/f32.bin", "-o", target.toString()),
                        outputs.resolve("k" + i + ".log")));
            }
            for (Process p : processes) {
                if (!p.waitFor(150, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    return Double.NaN;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            for (int i = 0; i < clients; i++) {
                if (Files.size(outputs.resolve("k" + i)) != 32L * MIB) {
                    return Double.NaN;
                }
                Files.delete(outputs.resolve("k" + i));
            }
            return clients * 32.0 * MIB / 1e6 / seconds;
        } finally {
            processes.forEach(Process::destroyForcibly);
        }
    }

    /**
     * The references' binaries, unpacked once into {@code dir}: {@code apt-get download} (no install, no service
     * start; the packages conflict in apt) then {@code dpkg -x}; libwrap0 is their one library not in a base system.
     */
    private Path binaries(Path dir) throws Exception {
        Path root = dir.resolve("x");
        if (Files.isExecutable(root.resolve("usr/sbin/atftpd")) && Files.isExecutable(root.resolve("usr/sbin/in.tftpd"))
                && Files.isExecutable(root.resolve("usr/sbin/dnsmasq"))
                && Files.exists(root.resolve("usr/lib/x86_64-linux-gnu/libwrap.so.0"))) {
            return root;
        }
        Files.createDirectories(root);
        NetnsLab.Result download = runHost(dir, List.of("apt-get", "download", "atftpd", "tftpd-hpa", "libwrap0",
                "dnsmasq-base", "libnetfilter-conntrack3", "libnfnetlink0", "libnftables1", "libnftnl11",
                "libjansson4"));
        if (download.exit() != 0) {
            System.out.println("TftpBenchmark: cannot download atftpd/tftpd-hpa/dnsmasq with apt-get download ("
                    + download.output().strip() + "); nothing measured");
            return null;
        }
        try (Stream<Path> debs = Files.list(dir)) {
            for (Path deb : debs.filter(p -> p.toString().endsWith(".deb")).toList()) {
                NetnsLab.Result x = runHost(dir, List.of("dpkg", "-x", deb.toString(), root.toString()));
                if (x.exit() != 0) {
                    System.out.println("TftpBenchmark: dpkg -x " + deb + " failed: " + x.output());
                    return null;
                }
            }
        }
        return root;
    }

    private static NetnsLab.Result runHost(Path dir, List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        long start = System.nanoTime();
        boolean done = p.waitFor(180, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        String output = new String(p.getInputStream().readAllBytes());
        return new NetnsLab.Result(done ? p.exitValue() : -1, output, System.nanoTime() - start, !done);
    }

    private void cleanUp() {
        if (ours != null) {
            ours.close();
        }
        for (Process p : daemons) {
            p.destroy();
            try {
                if (!p.waitFor(3, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        if (lab != null) {
            lab.close();
        }
        if (work != null) {
            deleteTree(work.resolve("root"));
            deleteTree(work.resolve("out"));
        }
    }

    private static Path defaultWork() throws URISyntaxException {
        Path classes = Path.of(TftpBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return classes.getParent().resolve("tftp-bench");
    }

    private static double mbPerSecond(long bytes, double seconds) {
        return Double.isNaN(seconds) ? Double.NaN : bytes / 1e6 / seconds;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        for (double v : sorted) {
            if (Double.isNaN(v)) {
                return Double.NaN;
            }
        }
        return sorted[sorted.length / 2];
    }

    /** A password for the deployed server's admin, never printed (nobody logs in). */
    private static String randomPassword() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String fmt(double value) {
        return Double.isNaN(value) ? "fail" : String.format("%.2f", value);
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void write(Path file, Random random, int size) throws IOException {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        Files.write(file, bytes);
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("TftpBenchmark: could not delete " + root + ": " + e);
        }
    }
}
