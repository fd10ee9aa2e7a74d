package io.rpideploy.bench.server;

import static io.rpideploy.bench.server.BenchSupport.clientCpuNanos;
import static io.rpideploy.bench.server.BenchSupport.deleteTree;
import static io.rpideploy.bench.server.BenchSupport.loadAverage;
import static io.rpideploy.bench.server.BenchSupport.randomHex;
import static io.rpideploy.bench.server.BenchSupport.required;
import static io.rpideploy.bench.server.BenchSupport.requireFile;
import static io.rpideploy.bench.server.BenchSupport.runMain;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Benchmark of the built distribution (not a test): start time and idle memory of rpi-deploy side by side with a
 * bare Payara Micro serving an empty war, then hostname assignments through the management API at several client
 * counts. Prints the figures and whether each target is met; it never fails on a figure, only when a server does
 * not start or the set-up is refused.
 *
 * <p>Run from the repository root: {@code mvn -B -Pbenchmark verify
 * -Dbench.main=io.rpideploy.bench.server.AssignmentBenchmark}. Settings are {@code bench.*} properties (defaults
 * below; the paths come from bench/pom.xml).
 */
public final class AssignmentBenchmark {

    private static final double TARGET_PER_SECOND = 1000;
    private static final double TARGET_P99_MILLIS = 50;
    /** Against the design card's stack floor with PrimeFaces (issue 17's decision): what the stack alone costs. */
    private static final double TARGET_START_RATIO = 1.25;
    /** A restart (systemd's, on the same data) serves again within this. */
    private static final double TARGET_RESTART_SECONDS = 20;
    private static final double TARGET_RSS_MIB = 600;

    private final Path dist = Path.of(required("bench.dist")).toAbsolutePath().normalize();
    private final Path out = Path.of(System.getProperty("bench.workDir", "target/benchmark")).toAbsolutePath();
    private final int portBase = Integer.getInteger("bench.portBase", 25000);
    private final int startRuns = Integer.getInteger("bench.startRuns", 3);
    private final int settleSeconds = Integer.getInteger("bench.settleSeconds", 10);
    private final int startTimeoutSeconds = Integer.getInteger("bench.startTimeoutSeconds", 300);
    // Payara's JIT keeps compiling for a minute or more after start (C2 used more CPU than the request threads
    // 90 s in, measured with JFR): a short warm-up measures the compiler, not the steady state.
    private final int warmup = Integer.getInteger("bench.warmup", 25000);
    private final int warmupSeconds = Integer.getInteger("bench.warmupSeconds", 60);
    private final int requestsPerLevel = Integer.getInteger("bench.requestsPerLevel", 5000);
    private final int secondsPerLevel = Integer.getInteger("bench.secondsPerLevel", 30);
    private final int[] clientCounts = Arrays.stream(System.getProperty("bench.clients", "1,8,32").split(","))
            .map(String::trim).mapToInt(Integer::parseInt).toArray();
    private final int stackSamples = Integer.getInteger("bench.stackSamples", 0);
    // false: the starts only (start-time work needs many alternating runs, not the assignment load each time)
    private final boolean load = Boolean.parseBoolean(System.getProperty("bench.load", "true"));
    // The design card's stack alone (see StackFloor): what any application on it pays at start.
    // true (all), false (none) or floor names, e.g. floor-primefaces (the start target's floor alone)
    private final String floors = System.getProperty("bench.floors", "true");
    private final Path floorSources = Path.of(System.getProperty("bench.floorSources", "bench/src/floor"));

    private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private final String runId = randomHex(3);
    private final StringBuilder report = new StringBuilder();
    private Path tmp;

    public static void main(String[] args) {
        AssignmentBenchmark benchmark = new AssignmentBenchmark();
        runMain(benchmark::run, benchmark::deleteTmp);
    }

    private void run() throws Exception {
        requireFile(dist.resolve("bin/rpideploy"));
        requireFile(dist.resolve("lib/payara-micro.jar"));
        Files.createDirectories(out.resolve("logs"));
        tmp = Files.createTempDirectory("rpideploy-bench-");
        Path emptyWar = emptyWar(tmp.resolve("empty.war"));
        Map<StackFloor, Path> floorWars = new LinkedHashMap<>();
        List<String> floorNames = Arrays.asList(floors.split(","));
        for (StackFloor floor : StackFloor.ALL) {
            if (floors.equals("true") || floorNames.contains(floor.name())) {
                floorWars.put(floor, floor.build(floorSources, tmp));
            }
        }
        // A fresh random password per run, given only to the server started here; never printed.
        String adminPassword = randomHex(16);

        line("rpi-deploy benchmark, " + LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
                .substring(0, 19));
        line("  distribution %s", dist);
        line("  java %s (%s), %d cores, load average at start %s", System.getProperty("java.version"), java,
                Runtime.getRuntime().availableProcessors(), loadAverage());
        line("  ports: rpi-deploy %d/%d, bare Payara Micro %d; logs in %s", portBase, portBase + 1, portBase + 2,
                out.resolve("logs"));
        line("");

        // Start time and idle memory: alternate bare and rpi-deploy so that drift in the machine's load hits both.
        List<StartSample> bare = new ArrayList<>();
        List<StartSample> rpi = new ArrayList<>();
        List<StartSample> restarts = new ArrayList<>();
        Map<StackFloor, List<StartSample>> floorStarts = new LinkedHashMap<>();
        ServerProcess loadServer = null;
        for (int run = 1; run <= startRuns; run++) {
            bare.add(startMicro("bare Payara Micro", "bare", run, emptyWar, "/empty/index.html", Map.of(),
                    List.of(), true));
            for (Map.Entry<StackFloor, Path> floor : floorWars.entrySet()) {
                StackFloor f = floor.getKey();
                List<String> addlibs = f.needsSqlite()
                        ? List.of("--addlibs", dist.resolve("lib/sqlite-jdbc.jar").toString()) : List.of();
                floorStarts.computeIfAbsent(f, k -> new ArrayList<>()).add(startMicro(f.label(), f.name(), run,
                        floor.getValue(), f.healthPath(), f.checks(), addlibs, false));
            }
            boolean keep = run == startRuns && load;
            StartResult first = startRpiDeploy(run, adminPassword);
            rpi.add(first.sample);
            first.server.stop();
            // the same data directory again: what a restart by systemd (or an upgrade) costs
            StartResult result = startRpiDeploy(run, adminPassword);
            restarts.add(result.sample);
            if (keep) {
                loadServer = result.server; // the last start also serves the load test
            } else {
                result.server.stop();
            }
        }
        reportStarts(bare, floorStarts, rpi, restarts);
        if (!load) {
            line("Targets (starts only, bench.load=false)");
            startTargets(bare, floorStarts, rpi, restarts);
            line("  load average at end %s", loadAverage());
            Files.writeString(out.resolve("report.txt"), report.toString(), StandardCharsets.UTF_8);
            System.out.println("(report also in " + out.resolve("report.txt") + ")");
            return;
        }

        // Hostname assignments.
        int measured = requestsPerLevel * clientCounts.length;
        int profiling = stackSamples > 0 ? requestsPerLevel : 0;
        int venues = (int) Math.ceil((double) (warmup + measured + profiling) / AssignmentLoad.POOL_SIZE);
        AssignmentLoad load = new AssignmentLoad(portBase, adminPassword, runId, venues);
        long provisionStart = System.nanoTime();
        load.provision();
        line("Hostname assignment, POST /api/hostname/assign as admin (HTTP Basic), closed loop, one HTTP/1.1 "
                + "keep-alive connection per client on a blocking socket");
        line("  set-up: %d venues BN01..BN%02d with 1-%d each (%d kart numbers) in %.1f s", venues, venues,
                AssignmentLoad.POOL_SIZE, load.capacity(), (System.nanoTime() - provisionStart) / 1e9);
        line("  per level at most %d requests and %d s; warm-up at most %d requests and %d s at 32 clients, "
                + "not counted", requestsPerLevel, secondsPerLevel, warmup, warmupSeconds);
        line("  latency covers every request of the level; CPU = cores busy on average during the level");
        AssignmentLoad.Level warm = load.run("warm-up", 32, warmup, Duration.ofSeconds(warmupSeconds));
        line("  warm-up: %d requests, %d x 200, %.0f/s", warm.requests(), warm.ok(), warm.perSecond());
        line("");
        line("  %7s %8s %7s %7s %8s %9s %8s %8s %8s %7s %7s  %s", "clients", "requests", "200s", "non-200",
                "seconds", "assign/s", "p50 ms", "p99 ms", "max ms", "srvCPU", "cliCPU", "other answers");
        List<AssignmentLoad.Level> levels = new ArrayList<>();
        int totalRequests = warm.requests();
        int totalOk = warm.ok();
        int duplicates = warm.duplicates();
        for (int clients : clientCounts) {
            Thread.sleep(1000); // let the previous level's stragglers and GC settle
            double serverCpu0 = loadServer.cpuSeconds();
            long clientCpu0 = clientCpuNanos();
            AssignmentLoad.Level level = load.run(clients + " clients", clients, requestsPerLevel,
                    Duration.ofSeconds(secondsPerLevel));
            double serverCores = (loadServer.cpuSeconds() - serverCpu0) / level.seconds();
            double clientCores = (clientCpuNanos() - clientCpu0) / 1e9 / level.seconds();
            levels.add(level);
            totalRequests += level.requests();
            totalOk += level.ok();
            duplicates += level.duplicates();
            line("  %7d %8d %7d %7d %8.2f %9.0f %8.1f %8.1f %8.1f %7.2f %7.2f  %s", clients, level.requests(),
                    level.ok(), level.nonOk(), level.seconds(), level.perSecond(), level.p50Millis(),
                    level.p99Millis(), level.maxMillis(), serverCores, clientCores,
                    level.failures().isEmpty() ? "-" : level.failures().toString());
        }
        int okWithoutHostname = warm.okWithoutHostname()
                + levels.stream().mapToInt(AssignmentLoad.Level::okWithoutHostname).sum();
        line("");
        line("  duplicate check (warm-up and all levels): %d requests, %d x 200, %d distinct hostnames, %d duplicates,"
                + " %d x 200 without a hostname", totalRequests, totalOk, load.distinctHostnames(), duplicates,
                okWithoutHostname);
        line("  rpi-deploy RSS after the load: %.0f MiB", loadServer.rssKiB() / 1024.0);
        line("");

        AssignmentLoad.Level top = levels.stream().max(Comparator.comparingInt(AssignmentLoad.Level::clients))
                .orElseThrow();
        boolean noDuplicates = duplicates == 0 && okWithoutHostname == 0 && totalOk == totalRequests
                && load.distinctHostnames() == totalOk;
        line("Targets");
        target(String.format("assignments/s at %d clients >= %.0f", top.clients(), TARGET_PER_SECOND),
                String.format("%.0f", top.perSecond()), top.perSecond() >= TARGET_PER_SECOND);
        target(String.format("p99 latency at %d clients <= %.0f ms", top.clients(), TARGET_P99_MILLIS),
                String.format("%.1f ms", top.p99Millis()), top.p99Millis() <= TARGET_P99_MILLIS);
        for (AssignmentLoad.Level level : levels) {
            if (level != top) {
                target(String.format("  (p99 at %d clients <= %.0f ms)", level.clients(), TARGET_P99_MILLIS),
                        String.format("%.1f ms", level.p99Millis()), level.p99Millis() <= TARGET_P99_MILLIS);
            }
        }
        target("zero duplicates, every request answered 200", String.format("%d dup, %d non-200", duplicates,
                totalRequests - totalOk), noDuplicates);
        startTargets(bare, floorStarts, rpi, restarts);
        line("  load average at end %s", loadAverage());

        if (stackSamples > 0) {
            profile(load, loadServer, top.clients());
        }
        Files.writeString(out.resolve("report.txt"), report.toString(), StandardCharsets.UTF_8);
        System.out.println("(report also in " + out.resolve("report.txt") + ")");
    }

    private void startTargets(List<StartSample> bare, Map<StackFloor, List<StartSample>> floorStarts,
            List<StartSample> rpi, List<StartSample> restarts) {
        List<StartSample> primeFaces = floorStarts.entrySet().stream()
                .filter(f -> f.getKey().name().equals("floor-primefaces")).map(Map.Entry::getValue).findFirst()
                .orElse(bare);
        String floorName = primeFaces == bare ? "bare (no floors built)" : "the PrimeFaces floor";
        double startRatio = median(rpi, StartSample::seconds) / median(primeFaces, StartSample::seconds);
        double restartRatio = median(restarts, StartSample::seconds) / median(primeFaces, StartSample::seconds);
        double restartSeconds = median(restarts, StartSample::seconds);
        double rssMiB = median(rpi, StartSample::rssMiB);
        target(String.format("start rpi-deploy (new data) / %s <= %.2f", floorName, TARGET_START_RATIO),
                String.format("%.2f", startRatio), startRatio <= TARGET_START_RATIO);
        target(String.format("restart rpi-deploy (same data) / %s <= %.2f", floorName, TARGET_START_RATIO),
                String.format("%.2f", restartRatio), restartRatio <= TARGET_START_RATIO);
        target(String.format("restart serving again <= %.0f s", TARGET_RESTART_SECONDS),
                String.format("%.2f s", restartSeconds), restartSeconds <= TARGET_RESTART_SECONDS);
        for (Map.Entry<StackFloor, List<StartSample>> floor : floorStarts.entrySet()) {
            line("    (for reference, not a target: %s / bare %.2f)", floor.getKey().label(),
                    median(floor.getValue(), StartSample::seconds) / median(bare, StartSample::seconds));
        }
        target(String.format("idle RSS of rpi-deploy <= %.0f MiB", TARGET_RSS_MIB), String.format("%.0f MiB",
                rssMiB), rssMiB <= TARGET_RSS_MIB);
    }

    /** An extra, uncounted level with thread dumps of the server: where request threads spend their time. */
    private void profile(AssignmentLoad load, ServerProcess server, int clients) throws Exception {
        line("");
        line("Profile: %d thread dumps during an extra level of %d clients (figures not counted above)",
                stackSamples, clients);
        StackSampler sampler = new StackSampler(server.javaPid(), out.resolve("stacks"), stackSamples, 200);
        Thread thread = new Thread(sampler, "stack-sampler");
        thread.start();
        AssignmentLoad.Level level = load.run("profile", clients, requestsPerLevel,
                Duration.ofSeconds(secondsPerLevel));
        thread.interrupt();
        thread.join(60_000);
        line("  %d requests, %d x 200, %.0f/s while sampling", level.requests(), level.ok(), level.perSecond());
        report.append(sampler.summary());
        System.out.print(sampler.summary());
    }

    /**
     * Starts Payara Micro with one war as the bare comparison is started (same JVM options, fresh root dir) and
     * times it to the first 200 of {@code path}; then every path of {@code checks} must answer 200 with its text
     * (not timed), and the idle RSS is read when {@code rss}.
     */
    private StartSample startMicro(String label, String file, int run, Path war, String path,
            Map<String, String> checks, List<String> extraArgs, boolean rss) throws Exception {
        int port = portBase + 2;
        Path root = tmp.resolve(file + "-" + run);
        List<String> command = new ArrayList<>(List.of(java, "-Xms128m", "-Xmx512m", "-XX:+UseSerialGC",
                "-jar", dist.resolve("lib/payara-micro.jar").toString(),
                "--nohazelcast", "--rootdir", root.toString(), "--port", Integer.toString(port)));
        command.addAll(extraArgs);
        command.addAll(List.of("--deploy", war.toString()));
        ServerProcess server = ServerProcess.start(label + " #" + run, command, Map.of(),
                out.resolve("logs/" + file + "-" + run + ".log"), port);
        try {
            double seconds = server.awaitOk(URI.create("http://127.0.0.1:" + port + path),
                    Duration.ofSeconds(startTimeoutSeconds));
            double cpu = server.cpuSeconds(); // at the first 200, before the checks add their own
            for (Map.Entry<String, String> check : checks.entrySet()) {
                server.requireAnswer(URI.create("http://127.0.0.1:" + port + check.getKey()), check.getValue());
            }
            return new StartSample(seconds, cpu, rss ? settledRss(server) : 0);
        } finally {
            server.stop();
            deleteTree(root);
        }
    }

    private StartResult startRpiDeploy(int run, String adminPassword) throws Exception {
        Path home = tmp.resolve("home-" + run); // fresh per run: its first start creates the database
        Map<String, String> env = Map.of(
                "RPIDEPLOY_HOME", home.toString(),
                "RPIDEPLOY_MANAGEMENT_ADDRESS", "127.0.0.1",
                "RPIDEPLOY_MANAGEMENT_PORT", Integer.toString(portBase),
                "RPIDEPLOY_DEPLOYMENT_ADDRESS", "127.0.0.1",
                "RPIDEPLOY_DEPLOYMENT_PORT", Integer.toString(portBase + 1),
                "RPIDEPLOY_ADMIN_PASSWORD", adminPassword,
                "JAVA_HOME", System.getProperty("java.home"));
        ServerProcess server = ServerProcess.start("rpi-deploy #" + run, List.of(dist.resolve("bin/rpideploy")
                .toString()), env, out.resolve("logs/rpideploy-" + run + ".log"), portBase, portBase + 1);
        try {
            double seconds = server.awaitOk(URI.create("http://127.0.0.1:" + portBase + "/health"),
                    Duration.ofSeconds(startTimeoutSeconds));
            double cpu = server.cpuSeconds();
            return new StartResult(new StartSample(seconds, cpu, settledRss(server)), server);
        } catch (Exception e) {
            server.stop();
            throw e;
        }
    }

    private long settledRss(ServerProcess server) throws Exception {
        Thread.sleep(settleSeconds * 1000L);
        if (!server.isAlive()) {
            throw new IllegalStateException(server.name + " died while settling");
        }
        return server.rssKiB();
    }

    private void reportStarts(List<StartSample> bare, Map<StackFloor, List<StartSample>> floorStarts,
            List<StartSample> rpi, List<StartSample> restarts) {
        line("Start to first 200 (rpi-deploy: GET /health; bare: GET /empty/index.html; floors: GET "
                + "/floor-*/api/health), and VmRSS after %d s idle", settleSeconds);
        line("  runs alternate bare, %srpi-deploy, ...; each from a fresh root dir (and data dir)",
                floorStarts.isEmpty() ? "" : "the stack floors, ");
        StringBuilder header = new StringBuilder(String.format("  %-34s", ""));
        for (int i = 1; i <= bare.size(); i++) {
            header.append(String.format(" %8s", "run " + i));
        }
        line("%s %8s", header, "median");
        startRow("bare Payara Micro start s", bare, StartSample::seconds, "%8.2f");
        for (Map.Entry<StackFloor, List<StartSample>> floor : floorStarts.entrySet()) {
            startRow(floor.getKey().label() + " s", floor.getValue(), StartSample::seconds, "%8.2f");
        }
        startRow("rpi-deploy start s", rpi, StartSample::seconds, "%8.2f");
        startRow("rpi-deploy restart s", restarts, StartSample::seconds, "%8.2f");
        startRow("bare Payara Micro CPU s at 200", bare, StartSample::cpuSeconds, "%8.1f");
        for (Map.Entry<StackFloor, List<StartSample>> floor : floorStarts.entrySet()) {
            startRow(floor.getKey().label() + " CPU s", floor.getValue(), StartSample::cpuSeconds, "%8.1f");
        }
        startRow("rpi-deploy start CPU s", rpi, StartSample::cpuSeconds, "%8.1f");
        startRow("rpi-deploy restart CPU s", restarts, StartSample::cpuSeconds, "%8.1f");
        startRow("bare Payara Micro RSS MiB", bare, StartSample::rssMiB, "%8.0f");
        startRow("rpi-deploy RSS MiB", rpi, StartSample::rssMiB, "%8.0f");
        double bareMedian = median(bare, StartSample::seconds);
        for (Map.Entry<StackFloor, List<StartSample>> floor : floorStarts.entrySet()) {
            line("  start ratio %s / bare (medians): %.2f", floor.getKey().label(),
                    median(floor.getValue(), StartSample::seconds) / bareMedian);
        }
        line("  start ratio rpi-deploy / bare (medians): %.2f, restart %.2f", median(rpi, StartSample::seconds)
                / bareMedian, median(restarts, StartSample::seconds) / bareMedian);
        // This machine's speed drifts over minutes; a run's rpi-deploy start and the floor started just before it
        // share that moment, so their ratio per run is steadier than the ratio of the medians.
        for (Map.Entry<StackFloor, List<StartSample>> floor : floorStarts.entrySet()) {
            if (floor.getKey().name().equals("floor-primefaces")) {
                pairedRatios("rpi-deploy start", rpi, floor.getValue());
                pairedRatios("rpi-deploy restart", restarts, floor.getValue());
            }
        }
        line("");
    }

    private void pairedRatios(String label, List<StartSample> rpi, List<StartSample> floor) {
        List<Double> wall = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        StringBuilder runs = new StringBuilder();
        for (int i = 0; i < Math.min(rpi.size(), floor.size()); i++) {
            wall.add(rpi.get(i).seconds() / floor.get(i).seconds());
            cpu.add(rpi.get(i).cpuSeconds() / floor.get(i).cpuSeconds());
            runs.append(String.format(" %.2f", wall.get(i)));
        }
        line("  per run, %s / the PrimeFaces floor of the same run:%s (median %.2f; CPU at the first 200: median %.2f)",
                label, runs, median(wall, Double::doubleValue), median(cpu, Double::doubleValue));
    }

    private void startRow(String label, List<StartSample> samples, java.util.function.ToDoubleFunction<StartSample>
            figure, String format) {
        StringBuilder row = new StringBuilder(String.format("  %-34s", label));
        for (StartSample sample : samples) {
            row.append(' ').append(String.format(format, figure.applyAsDouble(sample)));
        }
        row.append(' ').append(String.format(format, median(samples, figure)));
        line("%s", row);
    }

    private static <T> double median(List<T> samples, java.util.function.ToDoubleFunction<T> f) {
        double[] values = samples.stream().mapToDouble(f).sorted().toArray();
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    private void target(String what, String measured, boolean met) {
        line("  %-48s %-22s %s", what, measured, met ? "MET" : "NOT MET");
    }

    private void line(String format, Object... args) {
        String text = args.length == 0 ? format : String.format(format, args);
        report.append(text).append('\n');
        System.out.println(text);
    }

    /** The bare server's application: one static page and an empty Jakarta EE 10 web.xml. */
    private static Path emptyWar(Path war) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(war))) {
            entry(zip, "index.html", "<!DOCTYPE html><title>empty</title><p>empty</p>\n");
            entry(zip, "WEB-INF/web.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    + "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\"/>\n");
        }
        return war;
    }

    private static void entry(ZipOutputStream zip, String name, String text) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(text.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }

    private void deleteTmp() {
        if (tmp != null) {
            deleteTree(tmp);
        }
    }

    /** Seconds to the first 200, the server's CPU seconds (all threads) at that moment, settled RSS. */
    private record StartSample(double seconds, double cpuSeconds, long rssKiB) {
        double rssMiB() {
            return rssKiB / 1024.0;
        }
    }

    private record StartResult(StartSample sample, ServerProcess server) {
    }
}
