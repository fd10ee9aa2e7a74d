package io.rpideploy.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The install steps of docs/install.md, run as written: the blocks marked {@code <!-- install-check -->} (install,
 * first start, settings, images, the wait and {@code sudo rpideploy doctor}) as one shell script in a clean Debian 12
 * root booted with {@code systemd-nspawn} (systemd as PID 1, as {@link SystemdUnitIT}), with the package the build
 * made. The only substitution is the package's file name. The doctor's last table must be all OK.
 *
 * <p>The container runs in a network namespace of its own that holds the interfaces and addresses the doc's settings
 * step names ({@code eth0} with the management address, the netboot interface with the deployment address); their
 * veth peers sit in a second namespace with nothing else, standing for the management LAN and the boards' network.
 * So the server's ports (the doc's 5000/5001, DHCP 67, TFTP 69) exist only in those namespaces and collide with
 * nothing on the host; no traffic leaves them. Without a way out, the doc's {@code apt-get update} warns and
 * changes nothing: the package's dependencies, {@code sudo}, {@code curl} and {@code jq} are in the cached layer
 * ({@code target/debian12/base-install}), as SystemdUnitIT's layer holds the dependencies.
 *
 * <p>Inputs the steps expect on the host, made by the test: the prepared images {@code kxp2.img.zst} and
 * {@code rxp2.img.zst} in the folder the steps run in (one Raspberry-Pi-OS-shaped image with Debian's arm64 kernel,
 * {@link PiImage}, as VirtualPiIT makes it), and the download cache of the installer environment's build
 * ({@code ~/.cache/rpi-deploy/installer-env}, shared with VirtualPiIT: filled once per machine, on the host, when a
 * pinned package is missing) copied to where the service's user's build looks for it.
 */
class InstallDocIT {

    private static final String MACHINE = "rpideploy-install-it";
    /** The container's network, and the other ends of its links. */
    private static final String NS = "rpdt-inst";
    private static final String LAN = "rpdt-inst-lan";
    private static final String MANAGEMENT_IF = "eth0";
    private static final List<String> CHECKS = List.of("server (management)", "server (deployment)",
            "listener (management)", "listener (deployment)", "network placement", "deployment interface",
            "netboot adapter (DHCP/TFTP)", "other DHCP server", "database integrity", "schema version", "image KXP2",
            "image RXP2", "boot environment", "free disk (data)", "host name", "clock");
    private static final Pattern ROW = Pattern.compile("^(\\S.*?)\\s{2,}(OK|WARN|FAIL|[A-Z_]+)\\s{2,}(.*)$");

    @Test
    void theDocumentedStepsEndWithTheDoctorAllGreen() throws Exception {
        assumeTrue(Cmd.root(), "needs root: debootstrap, network namespaces, systemd-nspawn");
        List<String> missing = Stream.of("systemd-nspawn", "debootstrap", "chroot", "mount", "dpkg-deb", "nsenter",
                "ip", "apt-get", "sfdisk", "mkfs.vfat", "mcopy", "mkfs.ext4", "zstd", "depmod", "readelf")
                .filter(t -> !Cmd.has(t)).toList();
        assumeTrue(missing.isEmpty(), "missing tools: " + missing + "; .ci/run installs them");

        Path dist = Path.of(System.getProperty("rpideploy.dist")).toAbsolutePath().normalize();
        Path target = dist.getParent();
        Path deb = DebianRoot.newestDeb(target);
        String script = InstallDoc.script(Files.readString(Path.of(System.getProperty("rpideploy.install-doc",
                "../docs/install.md"))), deb.getFileName().toString());
        Map<String, String> settings = InstallDoc.settings(script);
        String managementIp = required(settings, "RPIDEPLOY_MANAGEMENT_ADDRESS");
        String deploymentIp = required(settings, "RPIDEPLOY_DEPLOYMENT_ADDRESS");
        String netbootIf = required(settings, "RPIDEPLOY_NETBOOT_INTERFACE");
        assertFalse(netbootIf.equals(MANAGEMENT_IF), "the doc's deployment interface is " + MANAGEMENT_IF);

        Path work = Files.createDirectories(target.resolve("debian12"));
        Path mine = BootLab.freshDir(target.resolve("install-doc"));
        Path log = mine.resolve("install-doc-test.log");
        Path console = mine.resolve("console.log");
        Instant started = Instant.now();
        Map<String, Double> times = new LinkedHashMap<>();

        // the prepared images the steps upload (one image serves both products: the boot environment only needs a
        // Pi 5 kernel, device trees and the kernel's modules in it)
        Instant t = Instant.now();
        DebianKernel kernel = DebianKernel.fetch(mine.resolve("kernel-deb"));
        PiImage image = PiImage.build(kernel, Files.createDirectories(mine.resolve("image")), "reference.img");
        times.put("test image", seconds(t));

        t = Instant.now();
        Path buildCache = installerBuildCache(dist, mine);
        times.put("installer build cache checked", seconds(t));

        t = Instant.now();
        List<String> packages = new ArrayList<>(List.of("systemd", "systemd-sysv", "dbus", "sudo", "curl", "jq"));
        packages.addAll(SystemdUnitIT.depends(deb));
        Path layer = DebianRoot.layer(work, "base-install", packages);
        Path root = DebianRoot.copy(layer, work.resolve("root-install"));
        times.put("root ready", seconds(t));

        // as Debian's installer leaves a host: a name that resolves
        Files.writeString(root.resolve("etc/hostname"), MACHINE + "\n");
        Files.writeString(root.resolve("etc/hosts"), "127.0.0.1\tlocalhost\n127.0.1.1\t" + MACHINE + "\n"
                + "::1\tlocalhost ip6-localhost ip6-loopback\n");
        Path home = root.resolve("root");
        Files.copy(deb, home.resolve(deb.getFileName()));
        Files.copy(image.zst, home.resolve("kxp2.img.zst"));
        Files.copy(image.zst, home.resolve("rxp2.img.zst"));
        Files.writeString(home.resolve("install-steps.sh"), script);
        note(log, "the steps from docs/install.md:\n" + script);
        // the service's user builds the installer environment with its HOME's cache (HOME=/var/lib/rpi-deploy):
        // the host's downloads, writable for that user, whose id exists only once the package made it
        Path cacheInside = root.resolve("var/lib/rpi-deploy/.cache/rpi-deploy/installer-env");
        Files.createDirectories(cacheInside.getParent());
        Cmd.must(300, "cp", "-a", buildCache.toString(), cacheInside.toString());
        Cmd.must(60, "chmod", "-R", "a+rwX", root.resolve("var/lib/rpi-deploy/.cache").toString());

        Process nspawn = null;
        long init = -1;
        try {
            network(managementIp, deploymentIp, netbootIf);
            nspawn = new ProcessBuilder("systemd-nspawn", "-q", "--register=no", "--keep-unit", "-D",
                    root.toString(), "-M", MACHINE, "--network-namespace-path=/run/netns/" + NS, "-b")
                    .redirectErrorStream(true).redirectInput(new File("/dev/null"))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile())).start();
            t = Instant.now();
            init = SystemdUnitIT.containerInit(nspawn, Duration.ofSeconds(60));
            SystemdUnitIT.Container box = new SystemdUnitIT.Container(init);
            note(log, "booted (" + box.awaitBooted(Duration.ofSeconds(180)) + ")");
            times.put("container booted", seconds(t));

            t = Instant.now();
            Cmd.Result steps = box.run(2700, "bash", "-c", "cd /root && exec bash install-steps.sh");
            times.put("the doc's steps (install to doctor)", seconds(t));
            note(log, "the steps' output (exit " + steps.exit() + "):\n" + steps.output());
            note(log, "journal:\n" + box.run(60, "journalctl", "-q", "--no-pager", "-u", "rpi-deploy").output());
            note(log, "installer environment build:\n" + box.run(30, "cat",
                    "/var/lib/rpi-deploy/installer-env-build.log").output());

            // the doctor's table: the one the steps' last command printed (the postinst printed one before)
            String out = steps.output();
            int last = out.lastIndexOf("\n+ sudo rpideploy doctor\n");
            int header = last < 0 ? -1 : out.indexOf("CHECK ", last);
            assertTrue(header >= 0, "the steps did not reach the doctor (exit " + steps.exit() + "):\n" + tail(out));
            Map<String, String[]> table = new LinkedHashMap<>();
            for (String line : out.substring(header).lines().skip(1).toList()) {
                Matcher m = ROW.matcher(line);
                if (m.matches()) {
                    table.put(m.group(1).strip(), new String[] {m.group(2), m.group(3)});
                }
            }
            assertEquals(CHECKS, List.copyOf(table.keySet()), "the doctor's checks:\n" + out.substring(header));

            // the clock: a container's is the host kernel's, synchronised or not by the host (timedatectl there
            // reads the kernel's flag): a host without NTP can only give WARN here, and nothing in the container
            // may change that. Every other line must be OK.
            String synced = box.run(30, "timedatectl", "show", "-p", "NTPSynchronized", "--value").output().strip();
            note(log, "NTPSynchronized (the host kernel's): " + synced);
            boolean hostUnsynced = synced.equals("no");
            List<String> notOk = new ArrayList<>();
            table.forEach((check, row) -> {
                boolean expectedWarn = hostUnsynced && check.equals("clock");
                if (expectedWarn ? !(row[0].equals("WARN") && row[1].contains("not synchronised (NTP)"))
                        : !row[0].equals("OK")) {
                    notOk.add(check + " " + row[0] + " " + row[1]);
                }
            });
            assertTrue(notOk.isEmpty(), "not OK after the documented steps: " + notOk + "\n" + out.substring(header));
            assertEquals(hostUnsynced ? 1 : 0, steps.exit(), "the doctor's exit code (the steps' last command)");
            String boot = table.get("boot environment")[1];
            assertTrue(boot.contains("KXP2 complete") && boot.contains("RXP2 complete"), boot);
            assertTrue(table.get("deployment interface")[1].contains(netbootIf), table.get("deployment interface")[1]);

            // the same from the JSON form, and what the steps left running
            Cmd.Result json = box.run(120, "rpideploy", "doctor", "--json");
            JsonObject report = Server.json(json.output().substring(json.output().indexOf('{')));
            for (JsonValue v : report.getJsonArray("checks")) {
                JsonObject c = v.asJsonObject();
                if (!(hostUnsynced && c.getString("check").equals("clock"))) {
                    assertEquals("OK", c.getString("status"), c.toString());
                }
            }
            assertEquals("active", box.run(30, "systemctl", "is-active", "rpi-deploy-backup.timer").output().strip(),
                    "the package turned the nightly backup on");
            Cmd.Result dhcp = box.run(30, "cat", "/proc/net/udp");
            assertTrue(dhcp.output().contains(":0043 "), "DHCP (port 67) is bound:\n" + dhcp.output());

            box.run(30, "systemctl", "poweroff");
            assertTrue(nspawn.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "the container powers off");
        } finally {
            if (nspawn != null) {
                SystemdUnitIT.stop(nspawn, init);
            }
            Cmd.run(20, "ip", "netns", "del", NS);
            Cmd.run(20, "ip", "netns", "del", LAN);
            times.put("total", seconds(started));
            StringBuilder report = new StringBuilder();
            times.forEach((what, s) -> report.append(String.format(java.util.Locale.ROOT, "%7.1f s  %s%n", s, what)));
            note(log, "timings:\n" + report);
            System.out.print("InstallDocIT timings:\n" + report);
        }
        assertFalse(Files.exists(Path.of("/run/netns/" + NS)), "the test's network namespace is gone");
        assertTrue(DebianRoot.mountedUnder(root).isEmpty(), "nothing mounted under " + root);
    }

    /**
     * The container's network: in {@link #NS} the management interface and the doc's netboot interface with the
     * doc's addresses, each a veth whose peer is in {@link #LAN} (up, no address: nobody answers DHCP there).
     */
    private static void network(String managementIp, String deploymentIp, String netbootIf) {
        Cmd.run(20, "ip", "netns", "del", NS); // a run killed before its clean-up
        Cmd.run(20, "ip", "netns", "del", LAN);
        Cmd.must(20, "ip", "netns", "add", NS);
        Cmd.must(20, "ip", "netns", "add", LAN);
        ns(NS, "ip", "link", "set", "lo", "up");
        ns(LAN, "ip", "link", "set", "lo", "up");
        String[][] links = {{MANAGEMENT_IF, "lan0", managementIp}, {netbootIf, "boards0", deploymentIp}};
        for (String[] link : links) {
            ns(NS, "ip", "link", "add", link[0], "type", "veth", "peer", "name", link[1]);
            ns(NS, "ip", "link", "set", link[1], "netns", LAN);
            ns(NS, "ip", "addr", "add", link[2] + "/24", "dev", link[0]);
            ns(NS, "ip", "link", "set", link[0], "up");
            ns(LAN, "ip", "link", "set", link[1], "up");
        }
    }

    private static void ns(String ns, String... command) {
        Cmd.Result r = Cmd.inNs(ns, 20, command);
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", command) + " in " + ns + ": " + r.output());
        }
    }

    /**
     * The installer environment build's download cache on this machine (shared with VirtualPiIT's server, which
     * builds with it at its first start). Every package pinned in packages.lock is there after one build; when one
     * is missing, the build runs once here, on the host's network, and fills it.
     */
    private static Path installerBuildCache(Path dist, Path mine) throws IOException {
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "rpi-deploy", "installer-env");
        Path build = dist.resolve("installer-env/build");
        List<String> absent = new ArrayList<>();
        for (String line : Files.readAllLines(build.resolve("packages.lock"))) {
            String[] f = line.strip().split("\\s+");
            if (line.startsWith("#") || f.length < 4) {
                continue;
            }
            Path debFile = cache.resolve("debs").resolve(f[0] + "_" + f[2].replace(":", "%3a") + "_" + f[1] + ".deb");
            if (!Files.isRegularFile(debFile)) {
                absent.add(debFile.getFileName().toString());
            }
        }
        boolean lists;
        try (Stream<Path> l = Files.list(cache.resolve("apt/lists"))) {
            lists = l.anyMatch(p -> p.getFileName().toString().contains("_Packages"));
        } catch (IOException none) {
            lists = false;
        }
        if (!absent.isEmpty() || !lists) {
            System.out.println("InstallDocIT: filling the installer build cache " + cache + " (missing " + absent
                    + (lists ? "" : ", apt lists") + ")");
            Cmd.must(2700, "bash", build.resolve("build-installer-env.sh").toString(),
                    mine.resolve("installer-env-host").toString(),
                    dist.resolve("installer-env/installer.jar").toString());
        }
        return cache;
    }

    private static String required(Map<String, String> settings, String key) {
        String value = settings.get(key);
        assertTrue(value != null && !value.isBlank(), "the doc's settings step sets no " + key + ": " + settings);
        return value;
    }

    private static String tail(String text) {
        return text.length() > 6000 ? text.substring(text.length() - 6000) : text;
    }

    private static double seconds(Instant since) {
        return Duration.between(since, Instant.now()).toMillis() / 1000.0;
    }

    private static void note(Path log, String text) throws IOException {
        DebianPackageIT.note(log, text);
    }
}
