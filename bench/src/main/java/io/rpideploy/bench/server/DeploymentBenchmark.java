package io.rpideploy.bench.server;

import static io.rpideploy.bench.server.BenchSupport.clientCpuNanos;
import static io.rpideploy.bench.server.BenchSupport.deleteTree;
import static io.rpideploy.bench.server.BenchSupport.loadAverage;
import static io.rpideploy.bench.server.BenchSupport.randomHex;
import static io.rpideploy.bench.server.BenchSupport.required;
import static io.rpideploy.bench.server.BenchSupport.requireFile;
import static io.rpideploy.bench.server.BenchSupport.runMain;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Benchmark of the deployment flow on the built distribution (not a test): image downloads from our server beside
 * nginx serving the same file with sendfile, with our server's memory sampled during its runs, then the rate of
 * {@code POST /api/status} progress updates the deployment API absorbs from 50 boards. Prints figures and whether
 * each target is met; fails only when a server does not start or the set-up is refused.
 *
 * <p>Run from the repository root: {@code mvn -B -Pbenchmark verify
 * -Dbench.main=io.rpideploy.bench.server.DeploymentBenchmark}; {@code -Dbench.imageMiB=256} for a quick try.
 */
public final class DeploymentBenchmark {

    private static final double TARGET_DOWNLOAD_RATIO = 0.9;
    private static final double TARGET_RSS_MIB = 1024;
    /** "Flat": the last of our download runs peaks at most this much above the first. */
    private static final double FLAT_MIB = 64;
    private static final double TARGET_UPDATES_PER_SECOND = 2000;
    private static final int BLOCK = 64 * 1024 * 1024;

    private final Path dist = Path.of(required("bench.dist")).toAbsolutePath().normalize();
    private final Path out = Path.of(System.getProperty("bench.workDir", "target/benchmark")).toAbsolutePath();
    private final int portBase = Integer.getInteger("bench.portBase", 25000);
    private final int nginxPort = Integer.getInteger("bench.nginxPort", portBase + 10);
    private final long imageBytes = Long.getLong("bench.imageMiB", 2048) * 1024 * 1024;
    private final int downloadClients = Integer.getInteger("bench.downloadClients", 10);
    private final int downloadRounds = Integer.getInteger("bench.downloadRounds", 2);
    private final int statusClients = Integer.getInteger("bench.statusClients", 50);
    private final int statusSeconds = Integer.getInteger("bench.statusSeconds", 20);
    private final int statusWarmupSeconds = Integer.getInteger("bench.statusWarmupSeconds", 30);
    private final boolean statusById = Boolean.parseBoolean(System.getProperty("bench.statusById", "true"));
    private final int startTimeoutSeconds = Integer.getInteger("bench.startTimeoutSeconds", 300);
    private final String nginxBinary = System.getProperty("bench.nginx", "");

    private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private final StringBuilder report = new StringBuilder();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();
    private final List<Process> helpers = new CopyOnWriteArrayList<>();
    private Path tmp;
    private String authorization;

    public static void main(String[] args) {
        DeploymentBenchmark benchmark = new DeploymentBenchmark();
        runMain(benchmark::run, () -> {
            benchmark.helpers.forEach(Process::destroyForcibly); // jstat and other helper processes
            benchmark.deleteTmp();
        });
    }

    private void run() throws Exception {
        requireFile(dist.resolve("bin/rpideploy"));
        Path nginx = findNginx();
        Files.createDirectories(out.resolve("logs"));
        tmp = Files.createTempDirectory(out, "deploy-bench-"); // under target/: the image needs real disk, not tmpfs
        Path home = tmp.resolve("home");
        Path importDir = home.resolve("images/import");
        Files.createDirectories(importDir);
        String adminPassword = randomHex(16); // given only to the server started here; never printed
        authorization = "Basic " + Base64.getEncoder().encodeToString(("admin:" + adminPassword)
                .getBytes(StandardCharsets.UTF_8));

        line("rpi-deploy deployment-flow benchmark, %s", LocalDateTime.now()
                .format(DateTimeFormatter.ISO_LOCAL_DATE_TIME).substring(0, 19));
        line("  distribution %s; nginx %s (%s)", dist, nginx, nginxVersion(nginx));
        line("  java %s, %d cores, load average at start %s; logs in %s", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), loadAverage(), out.resolve("logs"));

        String filename = "bench-kxp2.img";
        long t0 = System.nanoTime();
        writeImage(importDir.resolve(filename));
        line("  image: %d MiB (a 64 MiB random block repeated), written in %.1f s", imageBytes >> 20,
                (System.nanoTime() - t0) / 1e9);

        Map<String, String> env = Map.of(
                "RPIDEPLOY_HOME", home.toString(),
                "RPIDEPLOY_MANAGEMENT_ADDRESS", "127.0.0.1",
                "RPIDEPLOY_MANAGEMENT_PORT", Integer.toString(portBase),
                "RPIDEPLOY_DEPLOYMENT_ADDRESS", "127.0.0.1",
                "RPIDEPLOY_DEPLOYMENT_PORT", Integer.toString(portBase + 1),
                "RPIDEPLOY_ADMIN_PASSWORD", adminPassword,
                "JAVA_HOME", System.getProperty("java.home"));
        ServerProcess ours = ServerProcess.start("rpi-deploy", List.of(dist.resolve("bin/rpideploy").toString()),
                env, out.resolve("logs/deployment-rpideploy.log"), portBase, portBase + 1);
        double startSeconds = ours.awaitOk(URI.create("http://127.0.0.1:" + portBase + "/health"),
                Duration.ofSeconds(startTimeoutSeconds));
        line("  rpi-deploy up in %.1f s on %d/%d (java pid %d), idle RSS %.0f MiB", startSeconds, portBase,
                portBase + 1, ours.javaPid(), ours.rssKiB() / 1024.0);

        t0 = System.nanoTime();
        JsonObject imported = json(send(manage("/api/images/import").timeout(Duration.ofMinutes(15))
                .POST(body("{\"filename\":\"" + filename + "\",\"product_type\":\"KXP2\",\"version\":\"bench-1\"}")),
                201, "import")).getJsonObject("image");
        String served = imported.getString("filename");
        long imageId = imported.getJsonNumber("id").longValue();
        send(manage("/api/images/" + imageId + "/activate").POST(body("")), 200, "activate");
        Path storeDir = home.resolve("images");
        if (!Files.isRegularFile(storeDir.resolve(served))) {
            throw new IllegalStateException("the imported image is not at " + storeDir.resolve(served));
        }
        line("  imported as %s (SHA-256 on import) and activated in %.1f s", served, (System.nanoTime() - t0) / 1e9);

        ServerProcess nginxServer = startNginx(nginx, storeDir);
        line("  nginx on 127.0.0.1:%d, root %s, sendfile on, 2 workers", nginxPort, storeDir);
        line("");

        downloads(ours, served, nginxServer);
        nginxServer.stop(); // out of the way of the status load
        statusUpdates(ours);

        line("  load average at end %s", loadAverage());
        Files.writeString(out.resolve("deployment-report.txt"), report.toString(), StandardCharsets.UTF_8);
        System.out.println("(report also in " + out.resolve("deployment-report.txt") + ")");
    }

    // ---------------------------------------------------------------- downloads

    private final List<String> targets = new ArrayList<>();

    private void downloads(ServerProcess ours, String served, ServerProcess nginxServer) throws Exception {
        line("Image downloads: %d concurrent full GETs of the %d MiB image, read into a discard buffer "
                + "(blocking SocketChannel, 1 MiB direct buffer); runs alternate ours, nginx, ...", downloadClients,
                imageBytes >> 20);
        line("  ours: GET http://127.0.0.1:%d/images/%s (no queue headers: %d <= %d slots); nginx: "
                + "http://127.0.0.1:%d/%s", portBase + 1, served, downloadClients, 10, nginxPort, served);
        line("  memory of ours sampled every second during its runs: VmRSS (/proc) and heap used (jstat -gc)");
        line("");
        line("  %-7s %-6s %9s %9s %10s %8s %8s %9s %9s %9s %9s  %s", "run", "server", "GiB", "seconds", "MB/s",
                "srvCPU", "cliCPU", "RSS max", "RSS mean", "heap max", "heap mean", "errors");
        List<Double> oursRates = new ArrayList<>();
        List<Double> nginxRates = new ArrayList<>();
        List<MemorySampler.Stats> memory = new ArrayList<>();
        for (int round = 1; round <= downloadRounds; round++) {
            MemorySampler sampler = new MemorySampler(ours);
            Thread sampling = new Thread(sampler, "memory-sampler");
            sampling.start();
            double cpu0 = ours.cpuSeconds();
            long cli0 = clientCpuNanos();
            DownloadRun mine = downloadRun(portBase + 1, "/images/" + served);
            double srvCores = (ours.cpuSeconds() - cpu0) / mine.seconds;
            double cliCores = (clientCpuNanos() - cli0) / 1e9 / mine.seconds;
            sampler.stop();
            sampling.join(10_000);
            MemorySampler.Stats stats = sampler.stats();
            memory.add(stats);
            oursRates.add(mine.mbPerSecond());
            line("  %-7s %-6s %9.1f %9.2f %10.0f %8.2f %8.2f %8.0fM %8.0fM %8.0fM %8.0fM  %s", round, "ours",
                    mine.bytes / 1073741824.0, mine.seconds, mine.mbPerSecond(), srvCores, cliCores,
                    stats.rssMaxMiB(), stats.rssMeanMiB(), stats.heapMaxMiB(), stats.heapMeanMiB(),
                    mine.errors.isEmpty() ? "-" : mine.errors);

            double ncpu0 = nginxServer.treeCpuSeconds();
            cli0 = clientCpuNanos();
            DownloadRun theirs = downloadRun(nginxPort, "/" + served);
            double nSrvCores = (nginxServer.treeCpuSeconds() - ncpu0) / theirs.seconds;
            cliCores = (clientCpuNanos() - cli0) / 1e9 / theirs.seconds;
            nginxRates.add(theirs.mbPerSecond());
            line("  %-7s %-6s %9.1f %9.2f %10.0f %8.2f %8.2f %9s %9s %9s %9s  %s", round, "nginx",
                    theirs.bytes / 1073741824.0, theirs.seconds, theirs.mbPerSecond(), nSrvCores, cliCores, "", "",
                    "", "", theirs.errors.isEmpty() ? "-" : theirs.errors);
        }
        double oursMean = oursRates.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double nginxMean = nginxRates.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double ratio = oursMean / nginxMean;
        double rssMax = memory.stream().mapToDouble(MemorySampler.Stats::rssMaxMiB).max().orElse(0);
        double rssMean = memory.stream().mapToDouble(MemorySampler.Stats::rssMeanMiB).average().orElse(0);
        double heapMax = memory.stream().mapToDouble(MemorySampler.Stats::heapMaxMiB).max().orElse(0);
        double growth = memory.get(memory.size() - 1).rssMaxMiB() - memory.get(0).rssMaxMiB();
        line("");
        line("  mean MB/s: ours %.0f, nginx %.0f, ratio %.2f; RSS of ours over all its runs: max %.0f MiB, "
                + "mean %.0f MiB, first sample %.0f MiB, last %.0f MiB; heap max %.0f MiB", oursMean, nginxMean,
                ratio, rssMax, rssMean, memory.get(0).firstRssMiB(), memory.get(memory.size() - 1).lastRssMiB(),
                heapMax);
        line("  (MB = 10^6 bytes; the image is in the page cache for both servers: this is the serving path, "
                + "not the disk)");
        line("");
        targets.add(target(String.format("download MB/s ours / nginx >= %.1f", TARGET_DOWNLOAD_RATIO),
                String.format("%.2f (%.0f / %.0f)", ratio, oursMean, nginxMean), ratio >= TARGET_DOWNLOAD_RATIO));
        targets.add(target(String.format("RSS during downloads <= %.0f MiB", TARGET_RSS_MIB),
                String.format("max %.0f MiB", rssMax), rssMax <= TARGET_RSS_MIB));
        targets.add(target(String.format("RSS flat (last run's peak - first's <= %.0f MiB)", FLAT_MIB),
                String.format("%+.0f MiB", growth), growth <= FLAT_MIB));
    }

    private DownloadRun downloadRun(int port, String path) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(downloadClients);
        Map<String, Integer> errors = new ConcurrentHashMap<>();
        AtomicLong bytes = new AtomicLong();
        long started = System.nanoTime();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < downloadClients; c++) {
                futures.add(pool.submit(() -> {
                    try {
                        long got = fetch(port, path);
                        bytes.addAndGet(got);
                        if (got != imageBytes) {
                            errors.merge("short body", 1, Integer::sum);
                        }
                    } catch (Exception e) {
                        errors.merge(e.getClass().getSimpleName() + ": " + e.getMessage(), 1, Integer::sum);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.MINUTES); // outer bound; each read has its own timeout
            }
        } finally {
            pool.shutdownNow();
        }
        return new DownloadRun(bytes.get(), (System.nanoTime() - started) / 1e9, new TreeMap<>(errors));
    }

    /**
     * One GET over a plain blocking socket channel: the head parsed, the body counted into one direct buffer (the
     * cheapest read Java has: one copy out of the kernel), so the client costs as little CPU as possible.
     */
    private static long fetch(int port, String path) throws IOException {
        try (SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
            channel.write(ByteBuffer.wrap(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "User-Agent: rpideploy-bench\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buffer = ByteBuffer.allocateDirect(1024 * 1024);
            int headEnd = -1;
            while (headEnd < 0) {
                if (buffer.position() > 16384 || channel.read(buffer) < 0) {
                    throw new IOException("no complete response head");
                }
                headEnd = indexOfBlankLine(buffer);
            }
            byte[] headBytes = new byte[headEnd];
            buffer.get(0, headBytes);
            String[] lines = new String(headBytes, StandardCharsets.US_ASCII).split("\r\n");
            if (!lines[0].contains(" 200 ")) {
                throw new IOException("status line " + lines[0]);
            }
            long length = Arrays.stream(lines).filter(l -> l.toLowerCase().startsWith("content-length:"))
                    .mapToLong(l -> Long.parseLong(l.substring(15).trim())).findFirst()
                    .orElseThrow(() -> new IOException("no Content-Length"));
            long total = buffer.position() - (headEnd + 4L);
            while (total < length) {
                buffer.clear();
                int n = channel.read(buffer);
                if (n < 0) {
                    break;
                }
                total += n;
            }
            return total;
        }
    }

    private static int indexOfBlankLine(ByteBuffer buffer) {
        for (int i = 0; i + 3 < Math.min(buffer.position(), 16384); i++) {
            if (buffer.get(i) == '\r' && buffer.get(i + 1) == '\n' && buffer.get(i + 2) == '\r'
                    && buffer.get(i + 3) == '\n') {
                return i;
            }
        }
        return -1;
    }

    private record DownloadRun(long bytes, double seconds, Map<String, Integer> errors) {
        double mbPerSecond() {
            return bytes / 1e6 / seconds;
        }
    }

    /** VmRSS every second from /proc, heap used from one {@code jstat -gc <pid> 1000} process. */
    private final class MemorySampler implements Runnable {
        private final ServerProcess server;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Long> rssKiB = new CopyOnWriteArrayList<>();
        private final List<Double> heapKiB = new CopyOnWriteArrayList<>();

        MemorySampler(ServerProcess server) {
            this.server = server;
        }

        @Override
        public void run() {
            Process jstat = null;
            try {
                jstat = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstat").toString(),
                        "-gc", Long.toString(server.javaPid()), "1000").redirectErrorStream(true).start();
                helpers.add(jstat);
                Process reader = jstat;
                Thread heapReader = new Thread(() -> readJstat(reader), "jstat-reader");
                heapReader.setDaemon(true);
                heapReader.start();
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(60);
                while (!stop.get() && System.nanoTime() < deadline) {
                    rssKiB.add(server.rssKiB());
                    Thread.sleep(1000); // the sampling period
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                System.err.println("benchmark: memory sampling failed: " + e);
            } finally {
                if (jstat != null) {
                    jstat.destroyForcibly();
                    helpers.remove(jstat);
                }
            }
        }

        private void readJstat(Process jstat) {
            try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(jstat.getInputStream(),
                    StandardCharsets.US_ASCII))) {
                String header = lines.readLine();
                if (header == null) {
                    return;
                }
                List<String> names = Arrays.asList(header.trim().split("\\s+"));
                int[] used = Stream.of("S0U", "S1U", "EU", "OU").mapToInt(names::indexOf).toArray();
                String line;
                while ((line = lines.readLine()) != null) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length != names.size() || f[0].equals("S0C")) {
                        continue;
                    }
                    double sum = 0;
                    for (int i : used) {
                        sum += i < 0 ? 0 : Double.parseDouble(f[i]);
                    }
                    heapKiB.add(sum);
                }
            } catch (IOException | NumberFormatException e) {
                // jstat ended (stopped at the end of the run) or printed something unexpected: keep what we have
            }
        }

        void stop() {
            stop.set(true);
        }

        Stats stats() {
            return new Stats(List.copyOf(rssKiB), List.copyOf(heapKiB));
        }

        record Stats(List<Long> rss, List<Double> heap) {
            double rssMaxMiB() {
                return rss.stream().mapToLong(Long::longValue).max().orElse(0) / 1024.0;
            }

            double rssMeanMiB() {
                return rss.stream().mapToLong(Long::longValue).average().orElse(0) / 1024.0;
            }

            double firstRssMiB() {
                return rss.isEmpty() ? 0 : rss.get(0) / 1024.0;
            }

            double lastRssMiB() {
                return rss.isEmpty() ? 0 : rss.get(rss.size() - 1) / 1024.0;
            }

            double heapMaxMiB() {
                return heap.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN) / 1024.0;
            }

            double heapMeanMiB() {
                return heap.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN) / 1024.0;
            }
        }
    }

    // ---------------------------------------------------------------- status updates

    private void statusUpdates(ServerProcess ours) throws Exception {
        String venue = "BNST";
        send(manage("/api/venues").POST(body("{\"code\":\"" + venue + "\",\"name\":\"Bench status\"}")), 201,
                "venue");
        send(manage("/api/kart-numbers").POST(body("{\"venue_code\":\"" + venue + "\",\"numbers\":\"1-"
                + Math.max(60, statusClients + 10) + "\"}")), 200, "pool");
        long[] ids = new long[statusClients];
        String[] serials = new String[statusClients];
        for (int b = 0; b < statusClients; b++) {
            serials[b] = String.format("20000000be%06x", b + 1);
            JsonObject config = json(send(deploy("/api/config").POST(body("{\"product_type\":\"KXP2\","
                    + "\"venue_code\":\"" + venue + "\",\"serial_number\":\"" + serials[b] + "\"}")), 200, "config"));
            ids[b] = config.getJsonNumber("deployment_id").longValue();
            send(deploy("/api/status").POST(body(statusBody(ids[b], serials[b], 0, 0))), 200, "downloading");
        }
        line("Status updates: %d boards (each its /api/config, then 'downloading'), each posting 'downloading' with "
                + "increasing progress in a closed loop", statusClients);
        line("  body: deployment_id %s, serial, progress, bytes_written, bytes_total, rate_bps; %d s warm-up "
                + "(not counted), then %d s measured; HTTP/1.1 keep-alive, one blocking connection per board",
                statusById ? "included" : "left out (matched by serial, as the plan's installer)",
                statusWarmupSeconds, statusSeconds);
        if (statusWarmupSeconds > 0) {
            statusLoad(ids, serials, statusWarmupSeconds);
        }
        double cpu0 = ours.cpuSeconds();
        long cli0 = clientCpuNanos();
        StatusRun run = statusLoad(ids, serials, statusSeconds);
        double srvCores = (ours.cpuSeconds() - cpu0) / run.seconds;
        double cliCores = (clientCpuNanos() - cli0) / 1e9 / run.seconds;
        line("");
        line("  %7s %9s %8s %8s %9s %8s %8s %8s %7s %7s  %s", "clients", "updates", "200s", "non-200", "seconds",
                "upd/s", "p50 ms", "p99 ms", "srvCPU", "cliCPU", "other answers");
        line("  %7d %9d %8d %8d %9.2f %8.0f %8.1f %8.1f %7.2f %7.2f  %s", statusClients, run.requests, run.ok,
                run.requests - run.ok, run.seconds, run.ok / run.seconds, run.p50Millis, run.p99Millis, srvCores,
                cliCores, run.failures.isEmpty() ? "-" : run.failures);
        JsonObject one = json(send(manage("/api/deployments/" + ids[0]).GET(), 200, "deployment"))
                .getJsonObject("deployment");
        line("  deployment %d after the load: status %s, progress %s, bytes_written %s (stored within a second)",
                ids[0], one.getString("status"), one.get("progress"), one.get("bytes_written"));
        line("  RSS of ours after the status load: %.0f MiB", ours.rssKiB() / 1024.0);
        line("");
        double rate = run.ok / run.seconds;
        targets.add(target(String.format("status updates/s at %d clients >= %.0f", statusClients,
                TARGET_UPDATES_PER_SECOND), String.format("%.0f/s (p99 %.1f ms, %d non-200)", rate, run.p99Millis,
                run.requests - run.ok), rate >= TARGET_UPDATES_PER_SECOND && run.requests == run.ok));
        line("Targets");
        targets.forEach(t -> line("%s", t));
    }

    /** Bytes reported per update; 8 GiB, so progress climbs through a run (capped at 99). */
    private static final long STEP = 1024 * 1024;
    private static final long TOTAL = 8L << 30;
    private final AtomicLong[] written = new AtomicLong[1024];

    private String statusBody(long id, String serial, long bytes, int progress) {
        return "{\"status\":\"downloading\"" + (statusById ? ",\"deployment_id\":" + id : "") + ",\"serial\":\""
                + serial + "\",\"message\":\"\",\"progress\":" + progress + ",\"bytes_written\":" + bytes
                + ",\"bytes_total\":" + TOTAL + ",\"rate_bps\":25000000,\"timestamp\":1764094800.5}";
    }

    private StatusRun statusLoad(long[] ids, String[] serials, int seconds) throws Exception {
        int clients = ids.length;
        int capacity = 4_000_000;
        long[] latencies = new long[capacity];
        AtomicInteger taken = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        Map<String, Integer> failures = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(seconds);
        for (int c = 0; c < clients; c++) {
            int board = c;
            if (written[board] == null) {
                written[board] = new AtomicLong();
            }
            pool.execute(() -> {
                try (KeepAliveClient client = new KeepAliveClient("127.0.0.1", portBase + 1, "")) {
                    while (System.nanoTime() < deadline) {
                        int i = taken.getAndIncrement();
                        if (i >= capacity) {
                            return;
                        }
                        long bytes = written[board].addAndGet(STEP);
                        int progress = (int) Math.min(99, bytes * 100 / TOTAL);
                        long t0 = System.nanoTime();
                        try {
                            KeepAliveClient.Answer r = client.postJson("/api/status", statusBody(ids[board],
                                    serials[board], bytes, progress));
                            latencies[i] = System.nanoTime() - t0;
                            if (r.status() == 200) {
                                ok.incrementAndGet();
                            } else {
                                failures.merge(r.status() + " " + shorten(r.body()), 1, Integer::sum);
                            }
                        } catch (IOException e) {
                            latencies[i] = System.nanoTime() - t0;
                            failures.merge(e.getClass().getSimpleName(), 1, Integer::sum);
                        }
                    }
                }
            });
        }
        pool.shutdown();
        if (!pool.awaitTermination(seconds + 120L, TimeUnit.SECONDS)) {
            pool.shutdownNow();
            throw new IllegalStateException("status load did not end within " + (seconds + 120) + " s");
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        int requests = Math.min(taken.get(), capacity);
        long[] sorted = Arrays.copyOf(latencies, requests);
        Arrays.sort(sorted);
        return new StatusRun(requests, ok.get(), elapsed, percentile(sorted, 50), percentile(sorted, 99),
                new TreeMap<>(failures));
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }

    private record StatusRun(int requests, int ok, double seconds, double p50Millis, double p99Millis,
                             Map<String, Integer> failures) {
    }

    // ---------------------------------------------------------------- set-up

    /** A non-sparse disk image: one random 64 MiB block, written as often as needed, an MBR in front. */
    private void writeImage(Path file) throws IOException {
        byte[] block = new byte[BLOCK];
        SplittableRandom random = new SplittableRandom(new SecureRandom().nextLong());
        for (int i = 0; i < block.length; i += 8) {
            long v = random.nextLong();
            for (int k = 0; k < 8; k++) {
                block[i + k] = (byte) (v >>> (8 * k));
            }
        }
        // the first block starts with an MBR (a FAT32 and a Linux partition): the server refuses files that are no disk
        byte[] first = block.clone();
        Arrays.fill(first, 446, 510, (byte) 0);
        first[446 + 4] = 0x0c;
        first[446 + 16 + 4] = (byte) 0x83;
        first[510] = 0x55;
        first[511] = (byte) 0xaa;
        try (OutputStream outStream = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
            for (long left = imageBytes; left > 0; left -= BLOCK) {
                outStream.write(left == imageBytes ? first : block, 0, (int) Math.min(BLOCK, left));
            }
        }
    }

    private Path findNginx() throws IOException, InterruptedException {
        List<Path> candidates = new ArrayList<>();
        if (!nginxBinary.isBlank()) {
            candidates.add(Path.of(nginxBinary));
        }
        candidates.add(Path.of("/usr/sbin/nginx"));
        candidates.add(Path.of("/usr/local/sbin/nginx"));
        candidates.add(Path.of("/usr/bin/nginx"));
        for (Path p : candidates) {
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new IllegalStateException("nginx not found (looked at " + candidates + "): install it with "
                + "'apt-get install -y nginx' (Debian package nginx), or point -Dbench.nginx=/path/to/nginx at one");
    }

    private static String nginxVersion(Path nginx) {
        try {
            Process p = new ProcessBuilder(nginx.toString(), "-v").redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(10, TimeUnit.SECONDS);
            return text.replace("nginx version: ", "");
        } catch (IOException | InterruptedException e) {
            return "version unknown";
        }
    }

    /** nginx in the foreground with its own prefix, serving the image store as its root. */
    private ServerProcess startNginx(Path nginx, Path root) throws Exception {
        Path prefix = tmp.resolve("nginx");
        Files.createDirectories(prefix.resolve("logs"));
        boolean asRoot = "root".equals(System.getProperty("user.name"));
        String conf = "daemon off;\n"
                + "master_process on;\n" // master and workers: killed as one tree by ServerProcess.stop
                + "worker_processes 2;\n"
                + (asRoot ? "user root;\n" : "") // the workers must read the store under our private temp dir
                + "pid " + prefix.resolve("nginx.pid") + ";\n"
                + "error_log " + prefix.resolve("logs/error.log") + " warn;\n"
                + "events { worker_connections 1024; }\n"
                + "http {\n"
                + "  access_log off;\n"
                + "  sendfile on;\n"
                + "  tcp_nopush on;\n"
                + "  keepalive_timeout 30s;\n"
                + "  default_type application/octet-stream;\n"
                + "  client_body_temp_path " + prefix.resolve("client_body") + ";\n"
                + "  proxy_temp_path " + prefix.resolve("proxy") + ";\n"
                + "  fastcgi_temp_path " + prefix.resolve("fastcgi") + ";\n"
                + "  uwsgi_temp_path " + prefix.resolve("uwsgi") + ";\n"
                + "  scgi_temp_path " + prefix.resolve("scgi") + ";\n"
                + "  server {\n"
                + "    listen 127.0.0.1:" + nginxPort + ";\n"
                + "    root " + root + ";\n"
                + "    location = /nginx-ready { return 200 \"ok\\n\"; }\n"
                + "  }\n"
                + "}\n";
        Path file = prefix.resolve("nginx.conf");
        Files.writeString(file, conf, StandardCharsets.UTF_8);
        ServerProcess server = ServerProcess.start("nginx", List.of(nginx.toString(), "-p", prefix + "/", "-c",
                file.toString(), "-e", prefix.resolve("logs/error.log").toString()), Map.of(),
                out.resolve("logs/deployment-nginx.log"), nginxPort);
        server.awaitOk(URI.create("http://127.0.0.1:" + nginxPort + "/nginx-ready"), Duration.ofSeconds(30));
        return server;
    }

    // ---------------------------------------------------------------- helpers

    private HttpRequest.Builder manage(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + portBase + path))
                .timeout(Duration.ofSeconds(60)).header("Authorization", authorization)
                .header("Content-Type", "application/json");
    }

    private HttpRequest.Builder deploy(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (portBase + 1) + path))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json");
    }

    private static HttpRequest.BodyPublisher body(String json) {
        return HttpRequest.BodyPublishers.ofString(json);
    }

    private String send(HttpRequest.Builder request, int expected, String what) throws Exception {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(what + ": expected " + expected + ", got " + response.statusCode() + " "
                    + shorten(response.body()));
        }
        return response.body();
    }

    private static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    private static String shorten(String text) {
        return text == null ? "" : text.length() > 120 ? text.substring(0, 120) + "..." : text;
    }

    private String target(String what, String measured, boolean met) {
        return String.format("  %-52s %-32s %s", what, measured, met ? "MET" : "NOT MET");
    }

    private void line(String format, Object... args) {
        String text = args.length == 0 ? format : String.format(format, args);
        report.append(text).append('\n');
        System.out.println(text);
    }

    private void deleteTmp() {
        deleteTree(tmp);
    }
}
