package io.rpideploy.bench.fleet;

import io.rpideploy.bench.server.BenchSupport;
import io.rpideploy.dist.BootLab;
import io.rpideploy.dist.FleetLab;
import io.rpideploy.dist.Server;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fleet day at full size: {@code bench.boards} simulated boards ({@link FleetLab}: a namespace, MAC, serial and a
 * loop-device card each) power on together and image a {@code bench.imageMiB} master through one HTB class of
 * {@code bench.linkMbit} on the server's side of their bridge. Three runs, one after the other in the same process
 * and on the same link: the plan's own reference server (its Flask app behind its nginx, {@link PlanServer}) with
 * the plan's {@code pi_installer.py}; our server with the plan's installer; our server with our installer. Each run
 * prints its total time against the link's floor (boards x image / rate), the time the last image byte left the
 * server (the bridge's byte counter), per-board times, failures, cards that are not the image byte for byte,
 * distinct hostnames, the server's CPU seconds and its largest resident memory (process tree, sampled).
 *
 * <p>The boards share this machine's disk and cores: after its download every board syncs and reads its card back
 * (the plan's its first 100 MB, ours all of it), which a real bench of Pis does on fifty cards at once. That is why
 * the last-byte time is printed beside the total: it is what the server and the link decide. For the same reason
 * the boards' installers run at nice 10 ({@code bench.boardNice}): real boards have cores of their own, and fifty
 * installers at the server's priority starved both servers here (ours answered {@code /api/config} in 8-16 s).
 *
 * <p>{@code mvn -B -Pbenchmark verify -Dbench.main=io.rpideploy.bench.fleet.FleetBenchmark [-Dbench.boards=50]
 * [-Dbench.imageMiB=1024] [-Dbench.linkMbit=1000] [-Dbench.runs=plan,ours-plan,ours] [-Dbench.boardNice=10]} (root;
 * nginx, python3-flask and python3-requests from Debian).
 */
public final class FleetBenchmark {

    private static final String VENUE = "CORO";
    private static final int MANAGEMENT_PORT = 25400;
    private static final int DEPLOYMENT_PORT = 25401;
    private static final Pattern HOSTNAME = Pattern.compile("Assigned hostname: (\\S+)");

    private FleetBenchmark() {
    }

    public static void main(String[] args) {
        Path work = Path.of(System.getProperty("bench.workDir", "target/benchmark")).resolve("fleet").toAbsolutePath();
        FleetLab[] lab = new FleetLab[1];
        BenchSupport.runMain(() -> run(work, lab), () -> {
            if (lab[0] != null) {
                lab[0].close();
            }
            deleteLargeFiles(work); // the logs stay for a reader
        });
    }

    private static void run(Path work, FleetLab[] labOut) throws Exception {
        int boards = Integer.getInteger("bench.boards", 50);
        int imageMiB = Integer.getInteger("bench.imageMiB", 1024);
        int linkMbit = Integer.getInteger("bench.linkMbit", 1000);
        List<String> runs = List.of(System.getProperty("bench.runs", "plan,ours-plan,ours").split(","));
        Path dist = Path.of(BenchSupport.required("bench.dist"));
        Path plan = Path.of(System.getProperty("bench.plan", "docs/customer/implementation-plan-v2.md"));
        if (!FleetLab.available() || !FleetLab.pythonRequests() || !PlanServer.available()) {
            System.out.println("FleetBenchmark: needs root, iproute2, tc, and Debian's nginx, python3-flask and "
                    + "python3-requests (apt-get install nginx python3-flask python3-requests)");
            System.exit(2);
        }
        BootLab.freshDir(work);
        long imageBytes = (long) imageMiB << 20;
        long needed = boards * (imageBytes + (64L << 20)) + 3 * imageBytes + (2L << 30);
        long free = Files.getFileStore(work).getUsableSpace();
        if (free < needed) {
            System.out.printf(Locale.ROOT, "FleetBenchmark: %d boards of %d MiB need %.1f GiB free in %s, there are "
                    + "%.1f GiB (fewer boards: -Dbench.boards, a smaller image: -Dbench.imageMiB)%n", boards,
                    imageMiB, needed / 1073741824.0, work, free / 1073741824.0);
            System.exit(2);
        }
        double floor = boards * imageBytes * 8.0 / (linkMbit * 1e6);
        Duration limit = Duration.ofSeconds(Math.max(600, (long) (floor * 4)));
        FleetLab lab = new FleetLab(new FleetLab.Layout("fb", 151, "192.168.151", VENUE, "KXP2",
                imageBytes + (64L << 20), limit), work);
        labOut[0] = lab;
        int nice = Integer.getInteger("bench.boardNice", 10);
        lab.boardNice(nice);
        Path script = FleetLab.extractInstaller(plan, work.resolve("pi_installer.py"));
        Path shims = FleetLab.shims(work.resolve("shims"));
        Path image = FleetLab.image(work.resolve("fleet-" + imageMiB + ".img"), imageMiB);
        String sha256 = FleetLab.sha256(image);
        Path installerJar = dist.resolve("installer-env/installer.jar");
        System.out.printf(Locale.ROOT, "FleetBenchmark: %d boards, a %d MiB image, %d Mbit/s (HTB on the server's "
                + "side of the bridge): the link's floor is %.1f s; boards' installers at nice %d; load average %s%n",
                boards, imageMiB, linkMbit, floor, nice, BenchSupport.loadAverage());
        lab.network(linkMbit, true);
        List<String> rows = new ArrayList<>();
        int first = 0;
        for (String name : runs) {
            List<FleetLab.Board> batch;
            switch (name.strip()) {
                case "plan" -> {
                    batch = lab.boards(first, boards, boards);
                    try (PlanServer server = PlanServer.start(plan, BootLab.freshDir(work.resolve("plan-server")),
                            image, sha256, VENUE, boards * 2, work.resolve("plan-server.log"))) {
                        rows.add(measure("the plan's server (Flask + nginx), the plan's installer", lab, batch,
                                image, floor, imageBytes, server.pid(), 80, null,
                                () -> lab.run("http://" + PlanServer.ADDRESS, null, batch, script, shims, null, null,
                                        false)));
                    }
                }
                case "ours-plan", "ours" -> {
                    boolean plans = name.strip().equals("ours-plan");
                    batch = lab.boards(first, boards, plans ? boards : 0);
                    Path home = BootLab.freshDir(work.resolve("home-" + name.strip()));
                    String password = BenchSupport.randomHex(16);
                    try (Server server = FleetLab.startServer(dist, home, MANAGEMENT_PORT, DEPLOYMENT_PORT, password,
                            work.resolve("server-" + name.strip() + ".log"),
                            Map.of("RPIDEPLOY_DEPLOYMENT_ADDRESS", PlanServer.ADDRESS))) {
                        server.awaitHealthy(Duration.ofMinutes(4));
                        prepare(server, home, image, boards * 2);
                        rows.add(measure("ours, " + (plans ? "the plan's installer" : "our installer"), lab, batch,
                                image, floor, imageBytes, FleetLab.pid(server), DEPLOYMENT_PORT, server,
                                // no watcher on /api/downloads: its polls would cost our server CPU the other has not
                                () -> lab.run("http://" + PlanServer.ADDRESS + ":" + DEPLOYMENT_PORT, null, batch,
                                        script, shims, installerJar, null, false)));
                    }
                }
                default -> throw new IllegalArgumentException("bench.runs: plan, ours-plan or ours, not " + name);
            }
            lab.discard(batch);
            first += boards;
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "FleetBenchmark results (%d boards, %d MiB, %d Mbit/s, floor %.1f s):%n",
                boards, imageMiB, linkMbit, floor);
        rows.forEach(System.out::println);
    }

    private static void deleteLargeFiles(Path dir) {
        try (var files = Files.walk(dir)) {
            files.filter(f -> Files.isRegularFile(f) && f.toFile().length() > (8L << 20)).forEach(f -> f.toFile()
                    .delete());
        } catch (IOException | RuntimeException e) {
            System.err.println("FleetBenchmark: could not clean " + dir + ": " + e);
        }
    }

    /** Our server: a venue with karts, the image imported and active. */
    private static void prepare(Server server, Path home, Path image, int karts) throws Exception {
        check(server.post("/api/venues", "{\"code\":\"" + VENUE + "\",\"name\":\"Bench\"}").statusCode(), 201);
        check(server.post("/api/kart-numbers", "{\"venue_code\":\"" + VENUE + "\",\"numbers\":\"1-" + karts + "\"}")
                .statusCode(), 200);
        Path imports = Files.createDirectories(home.resolve("images/import"));
        Files.createLink(imports.resolve(image.getFileName()), image);
        var imported = server.post("/api/images/import", "{\"filename\":\"" + image.getFileName()
                + "\",\"product_type\":\"KXP2\",\"version\":\"1.0\"}");
        check(imported.statusCode(), 201);
        long id = Server.json(imported.body()).getJsonObject("image").getJsonNumber("id").longValue();
        check(server.post("/api/images/" + id + "/activate", "{}").statusCode(), 200);
    }

    private static void check(int status, int expected) {
        if (status != expected) {
            throw new IllegalStateException("setting up our server: " + status + ", expected " + expected);
        }
    }

    /** The batch, bounded by the lab's limit. */
    private interface BatchRun {
        FleetLab.Batch run() throws Exception;
    }

    private static String measure(String title, FleetLab lab, List<FleetLab.Board> batch, Path image, double floor,
                                  long imageBytes, long serverPid, int port, Server ours, BatchRun body)
            throws Exception {
        System.out.println("FleetBenchmark: " + title + " ...");
        Sampler sampler = new Sampler(serverPid, port, lab, batch.size() * imageBytes);
        Thread sampling = new Thread(sampler, "fleet-sampler");
        sampling.start();
        FleetLab.Batch batchResult;
        try {
            batchResult = body.run();
        } finally {
            sampler.stop.set(true);
            sampling.join(5000);
        }
        List<String> cards = FleetLab.cardProblems(batch, image);
        Set<String> names = new HashSet<>();
        for (FleetLab.Board b : batch) {
            Matcher m = HOSTNAME.matcher(Files.readString(b.log(), StandardCharsets.ISO_8859_1));
            String last = null;
            while (m.find()) {
                last = m.group(1);
            }
            if (last != null) {
                names.add(last);
            }
        }
        Set<String> recorded = new HashSet<>();
        List<String> records = ours == null ? List.of() : lab.recordProblems(ours, batch, recorded);
        if (names.isEmpty()) {
            names.addAll(recorded); // our installer does not log "Assigned hostname": the server's records say
        }
        List<Double> times = batchResult.boardSeconds().stream().sorted().toList();
        String row = String.format(Locale.ROOT, "  %-52s total %6.1f s = %.2fx the floor; last image byte %6.1f s = "
                + "%.2fx; boards median %.1f s, slowest %.1f s; %d/%d exited 0; %d cards not the image; "
                + "%d distinct hostnames%s; server CPU %.1f s, RSS max %d MiB; %s", title, batchResult.seconds(),
                batchResult.seconds() / floor, sampler.lastByteSeconds(), sampler.lastByteSeconds() / floor,
                times.get(times.size() / 2), times.get(times.size() - 1), batch.size() - batchResult.failures(),
                batch.size(), countCards(cards), names.size(),
                ours == null ? "" : "; " + (batch.size() - records.size()) + " recorded success",
                sampler.cpuSeconds(), sampler.maxRssKib / 1024, sampler.sockets());
        System.out.println(row);
        if (!cards.isEmpty() || !records.isEmpty()) {
            System.out.println("    problems: " + String.join("\n    ", cards.subList(0, Math.min(5, cards.size())))
                    + (records.isEmpty() ? "" : "\n    " + String.join("\n    ", records.subList(0,
                    Math.min(5, records.size())))));
        }
        return row;
    }

    private static long countCards(List<String> problems) {
        return problems.stream().filter(p -> p.contains("card differs")).count();
    }

    /**
     * Every half second: the server process tree's resident memory and the bridge's byte counter (the time the
     * batch's bytes have all left); CPU of the tree at the start and the end.
     */
    private static final class Sampler implements Runnable {
        final AtomicBoolean stop = new AtomicBoolean();
        private final long pid;
        private final int port;
        private long socketSamples;
        private long appLimited;
        private long notSentBytes;
        private final FleetLab lab;
        private final long total;
        private final long started = System.nanoTime();
        private final long cpuAtStart;
        private long cpuAtEnd;
        private final long bytesAtStart;
        private final AtomicLong lastByteNanos = new AtomicLong();
        private long lastSent;
        private volatile long lastBusyNanos;
        long maxRssKib;

        Sampler(long pid, int port, FleetLab lab, long total) {
            this.pid = pid;
            this.port = port;
            this.lab = lab;
            this.total = total;
            this.cpuAtStart = ProcessTree.cpuTicks(pid);
            this.bytesAtStart = lab.bridgeBytesSent();
            this.lastSent = bytesAtStart;
        }

        @Override
        public void run() {
            int tick = 0;
            while (!stop.get()) {
                maxRssKib = Math.max(maxRssKib, ProcessTree.rssKib(pid));
                boolean sending = lastBusyNanos >= System.nanoTime() - TimeUnit.SECONDS.toNanos(2);
                if (tick++ % 4 == 0 && lastByteNanos.get() == 0 && sending) {
                    sampleSockets();
                }
                long sent = lab.bridgeBytesSent();
                if (lastByteNanos.get() == 0 && sent - bytesAtStart >= total) {
                    lastByteNanos.set(System.nanoTime());
                }
                if (sent - lastSent > (1 << 20)) { // still sending images (more than status reports)
                    lastBusyNanos = System.nanoTime();
                }
                lastSent = sent;
                try {
                    TimeUnit.MILLISECONDS.sleep(500);
                } catch (InterruptedException e) {
                    break;
                }
            }
            cpuAtEnd = ProcessTree.cpuTicks(pid);
        }

        /**
         * The server's image connections as the kernel sees them ({@code ss -tin}), every 2 s until the last byte:
         * how often a connection had nothing queued to send (the kernel marks it {@code app_limited}: the server,
         * not the link, held it back) and how much was queued on average.
         */
        private void sampleSockets() {
            try {
                Process ss = new ProcessBuilder("ss", "-tinH", "state", "established", "( sport = :" + port + " )")
                        .redirectErrorStream(true).start();
                String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                ss.waitFor(5, TimeUnit.SECONDS);
                Matcher notsent = Pattern.compile("notsent:(\\d+)").matcher(out);
                for (String line : out.split("\n")) {
                    if (line.contains("bytes_sent:") && line.contains("delivery_rate")) {
                        socketSamples++;
                        if (line.contains("app_limited")) {
                            appLimited++;
                        }
                    }
                }
                while (notsent.find()) {
                    notSentBytes += Long.parseLong(notsent.group(1));
                }
            } catch (IOException e) {
                // no ss: no socket figures
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        String sockets() {
            if (socketSamples == 0) {
                return "no socket samples";
            }
            return String.format(Locale.ROOT, "connections app-limited in %.0f%% of %d samples, %.0f KiB queued each "
                    + "on average", 100.0 * appLimited / socketSamples, socketSamples,
                    notSentBytes / 1024.0 / socketSamples);
        }

        double cpuSeconds() {
            return (cpuAtEnd - cpuAtStart) / 100.0; // USER_HZ
        }

        /**
         * When every board's image had crossed the link; when some boards never downloaded (a failure), when the link
         * last carried image bytes.
         */
        double lastByteSeconds() {
            long at = lastByteNanos.get() != 0 ? lastByteNanos.get() : lastBusyNanos;
            return at == 0 ? Double.NaN : (at - started) / 1e9;
        }
    }

    static boolean succeeds(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
