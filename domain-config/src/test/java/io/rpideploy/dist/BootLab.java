package io.rpideploy.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A deployment network for simulated Pi 5 boards: a namespace {@code ns} holding the boards' end of a veth pair
 * ({@code 10.77.<net>.2}), the server's end {@code 10.77.<net>.1} in the root namespace, and the distribution's
 * server with DHCP and TFTP bound to it. The server's boot environment is laid out as the server builds it (sizes of
 * a real Raspberry Pi OS kernel and device tree), without reading an image: the virtual Pi test reads a real one.
 */
public final class BootLab implements AutoCloseable {

    public final String ns;
    public final String hostIf;
    public final String hostIp;
    public final String boardIp;
    public final Path home;
    private Process server;
    private Server api;

    public BootLab(String tag, int net, Path home) throws IOException, InterruptedException {
        this.ns = "rpdt-" + tag;
        this.hostIf = "rpb" + net + "h";
        this.hostIp = "10.77." + net + ".1";
        this.boardIp = "10.77." + net + ".2";
        this.home = home;
        cleanup();
        sh("ip", "netns", "add", ns);
        sh("ip", "link", "add", hostIf, "type", "veth", "peer", "name", "rpb" + net + "b");
        sh("ip", "link", "set", "rpb" + net + "b", "netns", ns);
        sh("ip", "addr", "add", hostIp + "/24", "dev", hostIf);
        sh("ip", "link", "set", hostIf, "up");
        sh("ip", "-n", ns, "addr", "add", boardIp + "/24", "dev", "rpb" + net + "b");
        sh("ip", "-n", ns, "link", "set", "rpb" + net + "b", "up");
        sh("ip", "-n", ns, "link", "set", "lo", "up");
        sh("ip", "-n", ns, "route", "add", "default", "via", hostIp);
    }

    /** Root, iproute2 and a java for the boards' own JVM. */
    public static boolean available() {
        return "root".equals(System.getProperty("user.name"))
                && (Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")));
    }

    /** A boot environment for KXP2 with files of a real image's sizes, and an installer environment. */
    public static void layOut(Path home, Path installerJar) throws IOException {
        Random random = new Random(2712);
        Path env = Files.createDirectories(home.resolve("boot-env/KXP2"));
        write(env.resolve("kernel_2712.img"), random, 9_600_000);
        write(env.resolve("kernel8.img"), random, 9_500_000);
        write(env.resolve("bcm2712-rpi-5-b.dtb"), random, 78_000);
        write(env.resolve("bcm2712d0-rpi-5-b.dtb"), random, 78_000);
        Files.createDirectories(env.resolve("overlays"));
        write(env.resolve("overlays/overlay_map.dtb"), random, 5_600);
        write(env.resolve("initramfs-installer.cpio.gz"), random, 6_000_000);
        Files.writeString(env.resolve("boot-environment.properties"), "image.id=1\nimage.filename=lab.img.xz\n"
                + "image.version=lab\nkernel.release=6.12.34+rpt-rpi-2712\nmodules=40\nbuilt.at=2026-12-06T00:00:00Z\n");
        Path installer = Files.createDirectories(home.resolve("installer-env"));
        write(installer.resolve("initramfs-installer.cpio.gz"), random, 1_000_000);
        write(installer.resolve("runtime-arm64.tar.gz"), random, 24_000_000);
        Files.copy(installerJar, installer.resolve("installer.jar"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Starts the distribution on this network; management on loopback. */
    public Server start(Path dist, int managementPort, int deploymentPort, Map<String, String> extra, Path log)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(dist.resolve("bin/rpideploy").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("RPIDEPLOY_"));
        String password = HexFormat.of().formatHex(new Random().ints(16, 0, 256)
                .collect(java.io.ByteArrayOutputStream::new, java.io.ByteArrayOutputStream::write, (a, b) -> { })
                .toByteArray());
        env.put("RPIDEPLOY_HOME", home.toString());
        env.put("RPIDEPLOY_ADMIN_PASSWORD", password);
        env.put("RPIDEPLOY_MANAGEMENT_ADDRESS", "127.0.0.1");
        env.put("RPIDEPLOY_MANAGEMENT_PORT", Integer.toString(managementPort));
        env.put("RPIDEPLOY_DEPLOYMENT_ADDRESS", "0.0.0.0");
        env.put("RPIDEPLOY_DEPLOYMENT_PORT", Integer.toString(deploymentPort));
        env.put("RPIDEPLOY_NETBOOT_INTERFACE", hostIf);
        env.put("RPIDEPLOY_NETBOOT_ROGUE_CHECK_INTERVAL", "0");
        env.put("RPIDEPLOY_BOOT_ENV_INSTALLER_BUILD", "never");
        env.put("RPIDEPLOY_DEPLOYMENT_DEFAULT_PRODUCT", "KXP2");
        env.put("RPIDEPLOY_DEPLOYMENT_DEFAULT_VENUE", "CORO");
        env.putAll(extra);
        server = builder.start();
        api = Server.attach(server, managementPort, password);
        return api;
    }

    /** Runs {@code boards} simulated boards at once in the namespace; one JSON line per board. */
    public List<String> boot(int boards, long firstSerial, String guidForm, boolean httpStage, Duration limit)
            throws IOException, InterruptedException {
        return boot(boards, firstSerial, guidForm, httpStage, 0, limit);
    }

    /** As {@link #boot(int, long, String, boolean, Duration)}, each board's TFTP paced to a bootloader's rate. */
    public List<String> boot(int boards, long firstSerial, String guidForm, boolean httpStage, long tftpRate,
                             Duration limit) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns, java, "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), Pi5Board.class.getName(), Integer.toString(boards),
                Long.toHexString(firstSerial), guidForm, Boolean.toString(httpStage), Long.toString(tftpRate)));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("boards did not finish within " + limit);
        }
        List<String> lines = new ArrayList<>();
        for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("{")) {
                lines.add(line);
            } else if (!line.isBlank()) {
                System.out.println("[boards] " + line);
            }
        }
        return lines;
    }

    /** An empty folder: what was there is removed. */
    public static Path freshDir(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return Files.createDirectories(dir);
    }

    private static void write(Path file, Random random, int size) throws IOException {
        byte[] b = new byte[size];
        random.nextBytes(b);
        Files.write(file, b);
    }

    /** Shapes what the server sends to the boards to a link of this rate (tc tbf on the server's end). */
    public void link(int megabits) throws IOException, InterruptedException {
        sh("tc", "qdisc", "replace", "dev", hostIf, "root", "tbf", "rate", megabits + "mbit", "burst", "512kb",
                "latency", "100ms");
    }

    private void cleanup() throws InterruptedException {
        run("ip", "netns", "del", ns);
        run("ip", "link", "del", hostIf);
    }

    @Override
    public void close() throws InterruptedException {
        if (api != null) {
            api.close();
        }
        cleanup();
    }

    private static void sh(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + ": " + out);
        }
    }

    private static void run(String... command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            // nothing to remove
        }
    }
}
