package io.rpideploy.bench.boot;

import io.rpideploy.dist.BootLab;
import io.rpideploy.dist.Pi5Board;
import io.rpideploy.dist.Server;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The boot of a bench of boards: time from a Pi 5's first DHCP DISCOVER to the installer's {@code starting} report,
 * for 1 and for 20 boards at once ({@link Pi5Board}: DHCP, the bootloader's TFTP files, then the installer
 * environment over HTTP), against the distribution, and side by side in the same run with dnsmasq serving the same
 * boot tree over DHCP and TFTP (the plan's server; the HTTP stage then comes from our deployment listener too).
 * Runs alternate between the two. Needs root (network namespaces) and dnsmasq ({@code dnsmasq-base}).
 *
 * <p>As on a real bench, each board's TFTP is paced to a Pi 5 bootloader's rate ({@code bench.piTftpRate}, bytes/s,
 * 3 MB/s by default; the bootloader does 1.7-4.9 MB/s) and what the server sends goes through a link of
 * {@code bench.linkMbit} (1000: the deployment network's gigabit port); 0 turns either off.
 *
 * <p>{@code mvn -B -Pbenchmark verify -Dbench.main=io.rpideploy.bench.boot.BootBenchmark [-Dbench.runs=3]
 * [-Dbench.boards=20] [-Dbench.piTftpRate=3000000] [-Dbench.linkMbit=1000]}
 */
public final class BootBenchmark {

    private static final long SERIALS = 0x2b000000L;

    public static void main(String[] args) throws Exception {
        int runs = Integer.getInteger("bench.runs", 3);
        int many = Integer.getInteger("bench.boards", 20);
        long rate = Long.getLong("bench.piTftpRate", 3_000_000L);
        int linkMbit = Integer.getInteger("bench.linkMbit", 1000);
        Path dist = Path.of(System.getProperty("bench.dist"));
        Path work = Path.of(System.getProperty("bench.workDir", "target/benchmark")).resolve("boot").toAbsolutePath();
        String dnsmasq = dnsmasq();
        if (!BootLab.available() || dnsmasq == null) {
            System.out.println("BootBenchmark: needs root, iproute2 and dnsmasq (apt-get install dnsmasq-base)");
            System.exit(2);
        }
        Path home = BootLab.freshDir(work.resolve("home"));
        BootLab.layOut(home, dist.resolve("installer-env/installer.jar"));
        try (BootLab ours = new BootLab("bootours", 13, home);
             BootLab theirs = new BootLab("bootdnsm", 14, work.resolve("unused"))) {
            Server server = ours.start(dist, 25130, 25131, Map.of("RPIDEPLOY_JAVA_OPTS",
                    "-Xms256m -Xmx512m -XX:+UseSerialGC"), work.resolve("server.log"));
            server.awaitHealthy(Duration.ofMinutes(4));
            if (linkMbit > 0) {
                ours.link(linkMbit);
                theirs.link(linkMbit);
            }
            server.post("/api/venues", "{\"code\":\"CORO\",\"name\":\"Coronado\"}");
            server.post("/api/kart-numbers", "{\"venue_code\":\"CORO\",\"numbers\":\"1-999\"}");
            Path tree = dnsmasqTree(ours, work.resolve("dnsmasq-tree"), home, runs, many);
            Process d = startDnsmasq(dnsmasq, theirs, tree, work);
            try {
                // warm both servers (JIT, page cache), not counted
                ours.boot(2, SERIALS + 0xf00, "fourcc", true, Duration.ofMinutes(5));
                theirs.boot(2, SERIALS + 0xf00, "fourcc", true, Duration.ofMinutes(5));
                List<String> rows = new ArrayList<>();
                for (int boards : new int[] {1, many}) {
                    long[][] total = new long[2][runs];
                    long[][] tftp = new long[2][runs];
                    long[][] http = new long[2][runs];
                    for (int run = 0; run < runs; run++) {
                        long first = SERIALS + (long) run * 0x100 + (boards == 1 ? 0x80 : 0);
                        BootLab[] order = run % 2 == 0 ? new BootLab[] {ours, theirs} : new BootLab[] {theirs, ours};
                        for (BootLab lab : order) {
                            int i = lab == ours ? 0 : 1;
                            long started = System.nanoTime();
                            List<String> lines = lab.boot(boards, first, "fourcc", true, rate, Duration.ofMinutes(10));
                            long wall = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                            Stats s = Stats.of(lines, boards, lab == ours ? "ours" : "dnsmasq");
                            total[i][run] = s.maxTotal;
                            tftp[i][run] = s.maxTftp;
                            http[i][run] = s.maxHttp;
                            System.out.printf("run %d, %2d boards, %-7s: last board started the installer after %6d ms"
                                    + " (TFTP stage %6d ms, HTTP stage %6d ms; process %d ms)%n", run + 1, boards,
                                    lab == ours ? "ours" : "dnsmasq", s.maxTotal, s.maxTftp, s.maxHttp, wall);
                        }
                    }
                    rows.add(String.format("%2d board%s | %8d | %8d | %8d | %8d | %8d | %8d | %5.2fx", boards,
                            boards == 1 ? " " : "s", median(total[0]), median(tftp[0]), median(http[0]),
                            median(total[1]), median(tftp[1]), median(http[1]),
                            (double) median(total[1]) / median(total[0])));
                    if (boards == 1) {
                        rows.add("single:" + median(total[0]) + ":" + median(total[1]));
                    } else {
                        String[] single = rows.stream().filter(r -> r.startsWith("single:")).findFirst()
                                .orElseThrow().split(":");
                        rows.add(String.format("%d boards / 1 board: ours %.2fx (target <= 1.2x), dnsmasq %.2fx", boards,
                                (double) median(total[0]) / Long.parseLong(single[1]),
                                (double) median(total[1]) / Long.parseLong(single[2])));
                    }
                }
                long perBoard = Files.size(home.resolve("boot-env/KXP2/kernel_2712.img"))
                        + Files.size(home.resolve("boot-env/KXP2/initramfs-installer.cpio.gz"))
                        + Files.size(home.resolve("installer-env/runtime-arm64.tar.gz"))
                        + Files.size(home.resolve("installer-env/installer.jar"));
                System.out.println();
                System.out.printf("each board fetches %.1f MB (kernel, initramfs over TFTP at %s; runtime, installer over"
                        + " HTTP); through a %s link %d boards need at least %.1f s for the bytes alone%n",
                        perBoard / 1e6, rate > 0 ? String.format("%.1f MB/s", rate / 1e6) : "full speed",
                        linkMbit > 0 ? linkMbit + " Mbit/s" : "unshaped", many,
                        linkMbit > 0 ? perBoard * (double) many * 8 / (linkMbit * 1e6) : 0.0);
                System.out.println("DISCOVER -> installer 'starting', median of " + runs + " runs, ms (the last board"
                        + " of the bench)");
                System.out.println("         | ours tot | ours tftp| ours http| dnsm tot | dnsm tftp| dnsm http|"
                        + " dnsmasq/ours");
                rows.stream().filter(r -> !r.startsWith("single:")).forEach(System.out::println);
            } finally {
                d.destroy();
                d.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** The slowest board of a bench decides when the technician can move on. */
    private record Stats(long maxTotal, long maxTftp, long maxHttp) {
        static Stats of(List<String> lines, int boards, String who) {
            if (lines.size() != boards) {
                throw new AssertionError(who + ": " + lines.size() + " of " + boards + " boards reported: " + lines);
            }
            long total = 0;
            long tftp = 0;
            long http = 0;
            for (String line : lines) {
                JsonObject b = Json.createReader(new StringReader(line)).readObject();
                if (b.containsKey("error") || !b.getJsonArray("problems").isEmpty()) {
                    throw new AssertionError(who + ": a board failed: " + line);
                }
                total = Math.max(total, b.getJsonNumber("total_ms").longValue());
                tftp = Math.max(tftp, b.getJsonNumber("tftp_ms").longValue());
                http = Math.max(http, b.getJsonNumber("http_ms").longValue());
            }
            return new Stats(total, tftp, http);
        }
    }

    /**
     * The same files for dnsmasq: each board's own {@code config.txt} and {@code cmdline.txt} as our server generates
     * them (fetched over TFTP), the shared files linked in.
     */
    private static Path dnsmasqTree(BootLab ours, Path tree, Path home, int runs, int many) throws Exception {
        BootLab.freshDir(tree);
        Path env = home.resolve("boot-env/KXP2");
        List<Long> serials = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            serials.add(SERIALS + 0xf00 + k);
        }
        for (int run = 0; run < runs; run++) {
            for (int b = 0; b < many; b++) {
                serials.add(SERIALS + (long) run * 0x100 + b);
            }
            serials.add(SERIALS + (long) run * 0x100 + 0x80);
        }
        for (long serial : serials) {
            String s = String.format("%08x", serial);
            Path dir = Files.createDirectories(tree.resolve(s));
            for (String name : List.of("config.txt", "cmdline.txt")) {
                Process p = new ProcessBuilder("ip", "netns", "exec", ours.ns, "curl", "-sS", "-o",
                        dir.resolve(name).toString(), "tftp://" + ours.hostIp + "/" + s + "/" + name).start();
                if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new IOException("cannot fetch " + s + "/" + name + " from our server");
                }
            }
            try (var files = Files.walk(env)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Path target = dir.resolve(env.relativize(f).toString());
                    Files.createDirectories(target.getParent());
                    Files.createLink(target, f);
                }
            }
        }
        return tree;
    }

    private static Process startDnsmasq(String dnsmasq, BootLab lab, Path tree, Path work) throws IOException,
            InterruptedException {
        String net = lab.hostIp.substring(0, lab.hostIp.lastIndexOf('.'));
        List<String> command = new ArrayList<>(Arrays.asList(dnsmasq, "-k", "-C", "/dev/null", "--port=0",
                "--interface=" + lab.hostIf, "--bind-interfaces", "--except-interface=lo",
                "--dhcp-range=" + net + ".100," + net + ".250,12h", "--dhcp-leasefile=" + work.resolve("dnsmasq.leases"),
                "--pxe-service=0,Raspberry Pi Boot", "--enable-tftp", "--tftp-root=" + tree,
                "--pid-file=" + work.resolve("dnsmasq.pid"), "--log-facility=-", "--user=root"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve("dnsmasq.log").toFile()).start();
        Thread.sleep(1000);
        if (!p.isAlive()) {
            throw new IOException("dnsmasq did not start: " + Files.readString(work.resolve("dnsmasq.log"),
                    StandardCharsets.UTF_8));
        }
        return p;
    }

    private static String dnsmasq() {
        for (String p : List.of("/usr/sbin/dnsmasq", "/usr/bin/dnsmasq")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        return null;
    }

    private static long median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }

    private BootBenchmark() {
    }
}
