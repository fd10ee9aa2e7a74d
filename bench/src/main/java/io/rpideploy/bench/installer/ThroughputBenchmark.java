package io.rpideploy.bench.installer;

import io.rpideploy.installer.FakeDeploymentServer;
import io.rpideploy.installer.Sh;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Write throughput of the installer (java -Xmx128m -jar installer.jar, image served over HTTP on 127.0.0.1, so the
 * download path is included) against dd / xz -dc | dd / zstd -dc | dd reading the same files locally, all to a plain
 * target file with an fsync at the end. The image comes from Debian's nginx (sendfile) when it is installed, so the
 * source is not another JVM on the same two cores; otherwise from the in-bench server. Two installer times: the
 * process's wall time (JVM start included) and its own elapsed time (STATS, from main to the end); the ratio uses
 * the latter. Settings (system properties): {@code bench.installerJar} (the runnable jar, default
 * {@code installer-jar/target/installer.jar}), {@code bench.dir} (work dir, default
 * {@code bench/target/installer-bench}), {@code bench.mib=2048} (image size), {@code bench.rounds=2}.
 */
public final class ThroughputBenchmark {

    private static final Pattern STATS = Pattern.compile("STATS elapsed_ms=(\\d+) peak_heap_bytes=(\\d+) direct_bytes=(\\d+)");

    private ThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(System.getProperty("bench.installerJar", "installer-jar/target/installer.jar"));
        // default: beside this module's classes, bench/target/installer-bench
        Path dir = Files.createDirectories(System.getProperty("bench.dir") != null
                ? Path.of(System.getProperty("bench.dir"))
                : Path.of(ThroughputBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                        .getParent().resolve("installer-bench"));
        long mib = Long.getLong("bench.mib", 2048);
        int rounds = Integer.getInteger("bench.rounds", 2);
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        long size = mib << 20;
        Path raw = dir.resolve("bench.img");
        if (!Files.exists(raw) || Files.size(raw) != size) {
            System.out.printf("generating a %d MiB image (30%% zero blocks, 70%% 4-bit-entropy text)...%n", mib);
            generate(raw, size);
        }
        Path xz = Path.of(raw + ".xz");
        Path zst = Path.of(raw + ".zst");
        if (!Files.exists(xz) || Files.getLastModifiedTime(xz).compareTo(Files.getLastModifiedTime(raw)) < 0) {
            System.out.println("xz -T2 -1 ...");
            Sh.bash("xz -T2 -1 -c " + raw + " > " + xz);
        }
        if (!Files.exists(zst) || Files.getLastModifiedTime(zst).compareTo(Files.getLastModifiedTime(raw)) < 0) {
            System.out.println("zstd -T2 -3 ...");
            Sh.bash("zstd -q -T2 -3 -c " + raw + " > " + zst);
        }
        Path target = dir.resolve("target.img");
        Path cmdline = dir.resolve("cmdline");
        Files.writeString(cmdline, "");
        List<String[]> rows = new ArrayList<>();
        long peakHeap = 0;
        long direct = 0;
        Process nginx = startNginx(dir);
        String source = nginx != null ? "nginx (sendfile) on 127.0.0.1:" + NGINX_PORT : "the in-bench Java server";
        try (FakeDeploymentServer server = new FakeDeploymentServer()) {
            String[][] cases = {
                {"raw", raw.toString(), "dd if=" + raw + " of=" + target + " bs=4M conv=fsync status=none"},
                {"xz", xz.toString(), "xz -dc " + xz + " | dd of=" + target + " bs=4M iflag=fullblock conv=fsync status=none"},
                {"zst", zst.toString(), "zstd -dc " + zst + " | dd of=" + target + " bs=4M iflag=fullblock conv=fsync status=none"},
            };
            for (String[] c : cases) {
                Path image = Path.of(c[1]);
                server.configure("bench-" + c[0], image.getFileName().toString(), image, size, null);
                if (nginx != null) {
                    server.config().put("image_url", "http://127.0.0.1:" + NGINX_PORT + "/" + image.getFileName());
                }
                double ddSeconds = Double.MAX_VALUE;
                double javaSeconds = Double.MAX_VALUE;
                double wallSeconds = Double.MAX_VALUE;
                // reference and installer alternate; best of ROUNDS each (the machine is shared)
                for (int round = 0; round < rounds; round++) {
                    Files.deleteIfExists(target);
                    Sh.run("sync");
                    long t0 = System.nanoTime();
                    Sh.bash(c[2]);
                    ddSeconds = Math.min(ddSeconds, (System.nanoTime() - t0) / 1e9);
                    Files.deleteIfExists(target);
                    Sh.run("sync");
                    t0 = System.nanoTime();
                    String out = Sh.run("java", "-Xmx128m", "-jar", jar.toString(), "--server", server.url(),
                            "--device", target.toString(), "--verify", "none", "--customize", "none", "--no-reboot",
                            "--stats", "--cmdline", cmdline.toString());
                    wallSeconds = Math.min(wallSeconds, (System.nanoTime() - t0) / 1e9);
                    Matcher m = STATS.matcher(out);
                    if (!m.find() || !out.contains("Installation complete")) {
                        throw new IllegalStateException("installer run failed:\n" + out);
                    }
                    javaSeconds = Math.min(javaSeconds, Long.parseLong(m.group(1)) / 1e3);
                    peakHeap = Math.max(peakHeap, Long.parseLong(m.group(2)));
                    direct = Math.max(direct, Long.parseLong(m.group(3)));
                    if (Files.size(target) != size) {
                        throw new IllegalStateException("target has " + Files.size(target) + " bytes");
                    }
                }
                rows.add(new String[] {c[0], String.format(Locale.ROOT, "%.1f", size / ddSeconds / 1e6),
                        String.format(Locale.ROOT, "%.1f", size / javaSeconds / 1e6),
                        String.format(Locale.ROOT, "%.2f", ddSeconds / javaSeconds),
                        c[0].equals("raw") ? ">= 0.95" : ">= 1.00", String.format(Locale.ROOT, "%.1f", ddSeconds),
                        String.format(Locale.ROOT, "%.1f", javaSeconds),
                        String.format(Locale.ROOT, "%.1f", wallSeconds)});
            }
        } finally {
            if (nginx != null) {
                nginx.destroy();
                nginx.waitFor();
            }
        }
        Files.deleteIfExists(target);
        System.out.println();
        System.out.printf("installer throughput, %d MiB image (%s), target: plain file on %s, 2 cores%n", mib,
                "xz -1, zstd -3", Sh.run("df", "--output=source", dir.toString()).split("\n")[1].trim());
        System.out.println("image source for the installer: " + source);
        System.out.println("| image | reference MB/s | installer MB/s | ratio | target | reference s | installer s "
                + "| installer wall s (JVM start incl.) |");
        System.out.println("|-------|----------------|----------------|-------|--------|-------------|-------------"
                + "|-------------------------------------|");
        for (String[] r : rows) {
            System.out.printf("| %s | %s | %s | %s | %s | %s | %s | %s |%n", (Object[]) r);
        }
        System.out.printf("best of %d alternating rounds; load average before: %s, after: %s%n", rounds,
                loadBefore, Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.printf("installer peak heap (sum of heap pool peaks, -Xmx128m): %.1f MiB (target <= 128); "
                + "direct buffers: %.1f MiB%n", peakHeap / 1048576.0, direct / 1048576.0);
        System.out.println("reference: dd bs=4M conv=fsync / xz -dc | dd / zstd -dc | dd reading local files; "
                + "installer: its own elapsed time (main to end: /api/config, HTTP download from 127.0.0.1, SHA-256 of "
                + "the download, write, fsync), --verify none --customize none");
    }

    static final int NGINX_PORT = Integer.getInteger("bench.nginxPort", 25110);

    /** Debian's nginx serving the work dir (sendfile on), or null when it is not installed. */
    static Process startNginx(Path dir) throws IOException, InterruptedException {
        Path binary = Path.of("/usr/sbin/nginx");
        if (!Files.isExecutable(binary)) {
            System.out.println("nginx not installed (apt-get install nginx): serving the image from the in-bench server");
            return null;
        }
        Path prefix = Files.createDirectories(dir.resolve("nginx"));
        Files.createDirectories(prefix.resolve("logs"));
        String conf = "daemon off;\nmaster_process off;\n"
                + ("root".equals(System.getProperty("user.name")) ? "user root;\n" : "")
                + "pid " + prefix.resolve("nginx.pid") + ";\nerror_log " + prefix.resolve("logs/error.log") + " warn;\n"
                + "events { worker_connections 64; }\n"
                + "http { access_log off; sendfile on; tcp_nopush on; default_type application/octet-stream;\n"
                + "  client_body_temp_path " + prefix.resolve("cb") + "; proxy_temp_path " + prefix.resolve("px")
                + "; fastcgi_temp_path " + prefix.resolve("fc") + "; uwsgi_temp_path " + prefix.resolve("uw")
                + "; scgi_temp_path " + prefix.resolve("sc") + ";\n"
                + "  server { listen 127.0.0.1:" + NGINX_PORT + "; root " + dir + "; } }\n";
        Path file = prefix.resolve("nginx.conf");
        Files.writeString(file, conf);
        Process p = new ProcessBuilder(binary.toString(), "-p", prefix + "/", "-c", file.toString())
                .redirectErrorStream(true).redirectOutput(prefix.resolve("logs/out.log").toFile()).start();
        for (int i = 0; i < 100; i++) {
            try (java.net.Socket probe = new java.net.Socket("127.0.0.1", NGINX_PORT)) {
                return p;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        p.destroy();
        throw new IOException("nginx did not start: " + Files.readString(prefix.resolve("logs/error.log")));
    }

    static void generate(Path file, long size) throws IOException {
        SplittableRandom random = new SplittableRandom(2026);
        byte[] alphabet = "etaoinshrdlu .,\n".getBytes();
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long done = 0; done < size; done += chunk.length) {
                for (int block = 0; block < chunk.length; block += 4096) {
                    if (random.nextInt(10) < 3) {
                        java.util.Arrays.fill(chunk, block, block + 4096, (byte) 0);
                        continue;
                    }
                    for (int i = block; i < block + 4096; i += 16) {
                        long bits = random.nextLong();
                        for (int k = 0; k < 16; k++) {
                            chunk[i + k] = alphabet[(int) (bits >>> (4 * k)) & 15];
                        }
                    }
                }
                out.write(chunk);
            }
        }
    }
}
