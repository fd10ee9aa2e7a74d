package io.rpideploy.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Debian package under a real systemd: a Debian 12 root with systemd (the cached base plus a cached layer with
 * systemd and the package's dependencies) booted by {@code systemd-nspawn} on the host's network, the package
 * installed there with apt, so that the maintainer scripts take their systemd branches. The service starts, runs
 * as its user with only CAP_NET_BIND_SERVICE and the unit's hardening applied, is restarted by systemd after a
 * SIGKILL (the time to serving again is measured), the package enables and starts the backup timer (an admin's
 * disable survives a reinstall) and its service writes an archive,
 * remove stops and disables the service and purge removes data and user. Commands inside run through
 * {@code nsenter} into the container's PID 1.
 */
class SystemdUnitIT {

    private static final int MANAGEMENT_PORT = 17720;
    private static final int DEPLOYMENT_PORT = 17721;
    private static final String MACHINE = "rpideploy-systemd-it";
    private static final String SERVICE = "rpi-deploy.service";
    private static final String DATA = "/var/lib/rpi-deploy";
    private static final long CAP_NET_BIND_SERVICE = 1L << 10;

    @Test
    void packageUnderSystemd() throws Exception {
        assumeTrue(Cmd.root(), "needs root: debootstrap, chroot, systemd-nspawn");
        assumeTrue(Cmd.has("systemd-nspawn"), "systemd-nspawn is missing (Debian package systemd-container; "
                + ".ci/run installs it): the unit, the maintainer scripts' systemd branches and the timer are not "
                + "run under systemd");
        List<String> missing = Stream.of("debootstrap", "chroot", "mount", "dpkg-deb", "nsenter")
                .filter(t -> !Cmd.has(t)).toList();
        assumeTrue(missing.isEmpty(), "missing tools: " + missing + "; .ci/run installs them");

        Path target = Path.of(System.getProperty("rpideploy.dist")).toAbsolutePath().normalize().getParent();
        Path deb = DebianRoot.newestDeb(target);
        Path work = Files.createDirectories(target.resolve("debian12"));
        Path log = work.resolve("systemd-test.log");
        Path console = work.resolve("systemd-console.log");
        Files.deleteIfExists(log);
        Files.deleteIfExists(console);
        Instant started = Instant.now();

        List<String> packages = new ArrayList<>(List.of("systemd", "systemd-sysv", "dbus"));
        packages.addAll(depends(deb));
        Path layer = DebianRoot.layer(work, "base-systemd", packages);
        Path root = DebianRoot.copy(layer, work.resolve("root-systemd"));
        note(log, "root with systemd ready after " + seconds(started) + " s");

        // nspawn names the container's host MACHINE: Payara refuses to start when the host name does not resolve
        Files.writeString(root.resolve("etc/hostname"), MACHINE + "\n");
        Files.writeString(root.resolve("etc/hosts"), "127.0.0.1\tlocalhost\n127.0.1.1\t" + MACHINE + "\n"
                + "::1\tlocalhost ip6-localhost ip6-loopback\n");
        // the settings as provisioning writes them before the package comes (dpkg keeps them: --force-confold)
        String password = "sd-" + UUID.randomUUID();
        Files.createDirectories(root.resolve("etc/rpi-deploy"));
        Files.writeString(root.resolve("etc/rpi-deploy/rpi-deploy.env"), "RPIDEPLOY_MANAGEMENT_ADDRESS=127.0.0.1\n"
                + "RPIDEPLOY_MANAGEMENT_PORT=" + MANAGEMENT_PORT + "\nRPIDEPLOY_DEPLOYMENT_ADDRESS=127.0.0.1\n"
                + "RPIDEPLOY_DEPLOYMENT_PORT=" + DEPLOYMENT_PORT + "\nRPIDEPLOY_BOOT_ENV_INSTALLER_BUILD=never\n"
                + "RPIDEPLOY_ADMIN_PASSWORD=\"" + password + "\"\n");
        // /var/tmp: the container mounts a tmpfs on /tmp
        Files.copy(deb, root.resolve("var/tmp/rpi-deploy.deb"));

        // the host's network (nspawn's default), nothing bound in: the server's ports are the host's loopback ones
        Process nspawn = new ProcessBuilder("systemd-nspawn", "-q", "--register=no", "--keep-unit", "-D",
                root.toString(), "-M", MACHINE, "-b").redirectErrorStream(true)
                .redirectInput(new File("/dev/null")).redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile()))
                .start();
        long init = -1;
        try {
            init = containerInit(nspawn, Duration.ofSeconds(60));
            Container box = new Container(init);
            String state = box.awaitBooted(Duration.ofSeconds(180));
            note(log, "booted (" + state + ") after " + seconds(started) + " s");

            // install: the postinst enables and starts the service through systemd, then runs the doctor
            String install = box.must(900, "apt-get", "-q", "-y", "--no-install-recommends",
                    "-o", "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold",
                    "install", "/var/tmp/rpi-deploy.deb");
            note(log, install);
            assertFalse(install.contains("systemd is not running here"), install);
            assertEquals("enabled", box.run(30, "systemctl", "is-enabled", SERVICE).output().strip());
            awaitActive(box, SERVICE, Duration.ofSeconds(60));
            assertTrue(awaitHealth(MANAGEMENT_PORT, Duration.ofSeconds(240)) != null, "/health 200 within 240 s");
            note(log, "healthy under systemd after " + seconds(started) + " s");
            assertEquals(200, health(DEPLOYMENT_PORT));
            assertTrue(Files.readString(root.resolve("etc/rpi-deploy/rpi-deploy.env"))
                    .contains("RPIDEPLOY_MANAGEMENT_PORT=" + MANAGEMENT_PORT), "the settings written first are kept");
            Cmd.Result doctor = box.run(120, "/usr/sbin/rpideploy", "doctor", "--json");
            note(log, doctor.output());
            JsonObject report = Server.json(doctor.output().substring(doctor.output().indexOf('{')));
            assertEquals("OK", status(report, "server (management)"), doctor.output());
            assertEquals("OK", status(report, "schema version"), doctor.output());
            String journal = box.run(60, "journalctl", "-q", "--no-pager", "-u", SERVICE).output();
            note(log, "journal:\n" + journal);
            assertTrue(journal.contains("rpi-deploy["), "the server's log is in the journal:\n" + journal);
            // the postinst's doctor waited for the server (up to 120 s): OK, unless this machine took longer
            java.util.regex.Matcher took = java.util.regex.Pattern.compile("rpi-deploy started in ([0-9.]+) s")
                    .matcher(journal);
            assertTrue(took.find(), journal);
            note(log, "first start under systemd: " + took.group(1) + " s");
            if (Double.parseDouble(took.group(1)) < 110) {
                assertTrue(install.matches("(?s).*\\nserver \\(management\\)\\s+OK\\s.*"),
                        "the postinst's doctor sees the server up:\n" + install);
            }

            // the process: the package's user, only CAP_NET_BIND_SERVICE, no new privileges
            long pid = mainPid(box);
            String uid = box.must(30, "id", "-u", "rpideploy").strip();
            Map<String, String> status = procStatus(box, pid);
            note(log, "service process " + pid + ": " + status);
            for (String id : status.get("Uid").split("\\s+")) {
                assertEquals(uid, id, "runs as rpideploy: " + status.get("Uid"));
            }
            assertEquals(CAP_NET_BIND_SERVICE, Long.parseLong(status.get("CapEff"), 16), status.get("CapEff"));
            assertEquals(CAP_NET_BIND_SERVICE, Long.parseLong(status.get("CapAmb"), 16), status.get("CapAmb"));
            assertEquals(CAP_NET_BIND_SERVICE, Long.parseLong(status.get("CapBnd"), 16), status.get("CapBnd"));
            assertEquals("1", status.get("NoNewPrivs"));
            assertEquals("2", status.get("Seccomp"), "a system call filter (SystemCallArchitectures=, Protect*=)");

            // the hardening, as the service's mount namespace sees the file system (as root there: the mounts,
            // not the user's rights, refuse)
            Cmd.Result usr = box.inMountsOf(pid, "touch /usr/rpideploy-probe");
            assertFalse(usr.ok(), "ProtectSystem=strict: /usr is read-only");
            assertTrue(usr.output().contains("Read-only file system"), usr.output());
            assertFalse(box.inMountsOf(pid, "touch /etc/rpideploy-probe").ok(), "ProtectSystem=strict: /etc too");
            assertTrue(box.inMountsOf(pid, "touch " + DATA + "/.probe && rm " + DATA + "/.probe").ok(),
                    "ReadWritePaths: the data directory is writable");
            assertFalse(box.inMountsOf(pid, "test -e /var/tmp/rpi-deploy.deb").ok(),
                    "PrivateTmp: its own /var/tmp");
            assertTrue(box.run(30, "test", "-e", "/var/tmp/rpi-deploy.deb").ok(), "the control: outside it is there");
            // ProtectHome: an empty, inaccessible /root (root, as here, may list it: nothing is in it)
            Cmd.Result home = box.inMountsOf(pid, "ls -A /root");
            assertTrue(home.ok() && home.output().isBlank(), "ProtectHome: /root is empty: " + home.output());
            assertFalse(box.must(30, "ls", "-A", "/root").isBlank(), "the control: outside it has files");

            // restart policy: a killed server is started again by systemd. Measured: the kill to the new process
            // (systemd's part, RestartSec=1 in it) and the kill to the first 200 (plus the server's own start).
            // The bound is generous: other builds share this machine's 2 cores; the load is printed with it.
            String load = Files.readString(Path.of("/proc/loadavg")).strip();
            Instant kill = Instant.now();
            box.must(30, "systemctl", "kill", "-s", "KILL", SERVICE);
            double respawn = -1;
            double restart = -1;
            while (Duration.between(kill, Instant.now()).toSeconds() < 300) {
                long now = mainPid(box);
                if (respawn < 0 && now != pid && now > 0) {
                    respawn = Duration.between(kill, Instant.now()).toMillis() / 1000.0;
                }
                if (respawn >= 0 && health(MANAGEMENT_PORT) == 200) {
                    restart = Duration.between(kill, Instant.now()).toMillis() / 1000.0;
                    break;
                }
                Thread.sleep(200);
            }
            String restartLine = String.format(java.util.Locale.ROOT, "restart by systemd: SIGKILL to a new "
                    + "process in %.1f s, to /health 200 in %.1f s (first start %s s; load average %s)", respawn,
                    restart, took.group(1), load);
            System.out.println("SystemdUnitIT: " + restartLine);
            note(log, restartLine);
            assertTrue(respawn > 0 && respawn < 30, "systemd starts a new process (RestartSec=1): " + respawn);
            assertTrue(restart > 0, "serving again within 300 s after systemctl kill -s KILL");
            assertEquals("1", box.must(30, "systemctl", "show", "-p", "NRestarts", "--value", SERVICE).strip());

            // the nightly backup: the package enabled and started its timer, and its service (started now) writes
            // an archive
            assertEquals("enabled", box.run(30, "systemctl", "is-enabled", "rpi-deploy-backup.timer").output()
                    .strip(), "the package enables the backup timer");
            assertEquals("active", box.run(30, "systemctl", "is-active", "rpi-deploy-backup.timer").output().strip(),
                    "the package starts the backup timer");
            String next = box.must(30, "systemctl", "show", "-p", "NextElapseUSecRealtime", "--value",
                    "rpi-deploy-backup.timer").strip();
            note(log, "backup timer next: " + next);
            assertFalse(next.isEmpty(), "the timer has a next elapse");
            Cmd.Result backup = box.run(600, "systemctl", "start", "rpi-deploy-backup.service");
            note(log, box.run(60, "journalctl", "-q", "--no-pager", "-u", "rpi-deploy-backup.service").output());
            assertTrue(backup.ok(), backup.output());
            assertEquals("success", box.must(30, "systemctl", "show", "-p", "Result", "--value",
                    "rpi-deploy-backup.service").strip());
            try (Stream<Path> archives = Files.list(root.resolve("var/lib/rpi-deploy/backups"))) {
                List<String> names = archives.map(p -> p.getFileName().toString()).toList();
                assertTrue(names.stream().anyMatch(n -> n.matches("rpi-deploy-backup-.*\\.zip")), names.toString());
            }
            // an admin's "off" survives a reinstall of the package (deb-systemd-helper remembers it)
            box.must(60, "systemctl", "disable", "--now", "rpi-deploy-backup.timer");
            note(log, box.must(600, "apt-get", "-q", "-y", "--no-install-recommends", "-o",
                    "Dpkg::Options::=--force-confold", "reinstall", "/var/tmp/rpi-deploy.deb"));
            assertEquals("disabled", box.run(30, "systemctl", "is-enabled", "rpi-deploy-backup.timer").output()
                    .strip(), "a reinstall keeps the timer the admin disabled off");
            assertNotEquals("active", box.run(30, "systemctl", "is-active", "rpi-deploy-backup.timer").output()
                    .strip());
            box.must(60, "systemctl", "enable", "--now", "rpi-deploy-backup.timer");

            // remove: the prerm stops the service through systemd, the postrm masks it; data and user kept
            long last = mainPid(box);
            note(log, box.must(600, "apt-get", "-q", "-y", "remove", "rpi-deploy"));
            assertNotEquals("active", box.run(30, "systemctl", "is-active", SERVICE).output().strip());
            String enabled = box.run(30, "systemctl", "is-enabled", SERVICE).output().strip();
            note(log, "after remove: is-enabled " + enabled);
            assertNotEquals("enabled", enabled);
            assertNotEquals("active", box.run(30, "systemctl", "is-active", "rpi-deploy-backup.timer").output()
                    .strip(), "remove stops the backup timer");
            assertNotEquals("enabled", box.run(30, "systemctl", "is-enabled", "rpi-deploy-backup.timer").output()
                    .strip(), "remove disables the backup timer");
            assertFalse(box.run(30, "test", "-e", "/proc/" + last).ok(), "the server process is gone");
            assertEquals(-1, health(MANAGEMENT_PORT), "nothing answers on the management port");
            assertTrue(Files.isRegularFile(root.resolve("var/lib/rpi-deploy/rpideploy.db")), "remove keeps data");
            assertTrue(box.run(30, "getent", "passwd", "rpideploy").ok(), "remove keeps the user");

            // purge: data, settings, user gone
            note(log, box.must(300, "apt-get", "-q", "-y", "purge", "rpi-deploy"));
            assertFalse(Files.exists(root.resolve("var/lib/rpi-deploy")), "purge removes the data");
            assertFalse(Files.exists(root.resolve("etc/rpi-deploy")), "purge removes the settings");
            assertFalse(box.run(30, "getent", "passwd", "rpideploy").ok(), "purge removes the user");
            assertFalse(box.run(30, "getent", "group", "rpideploy").ok(), "purge removes the group");
            assertFalse(Files.exists(root.resolve("etc/systemd/system/timers.target.wants/rpi-deploy-backup.timer")),
                    "purge removes the timer's enablement");
            assertFalse(Files.exists(root.resolve("etc/systemd/system/rpi-deploy-backup.timer")),
                    "purge removes the timer's mask");
            note(log, "failed units: " + box.run(30, "systemctl", "--failed", "--no-legend").output());

            box.run(30, "systemctl", "poweroff");
            assertTrue(nspawn.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "the container powers off");
        } finally {
            stop(nspawn, init);
            note(log, "systemd test took " + seconds(started) + " s");
        }
        assertFalse(nspawnRunning(), "no systemd-nspawn of this test is left");
        assertTrue(DebianRoot.mountedUnder(root).isEmpty(), "nothing mounted under " + root);
    }

    /** The container's PID 1 (systemd) as the host sees it: the descendant of nspawn whose innermost pid is 1. */
    static long containerInit(Process nspawn, Duration limit) throws InterruptedException, IOException {
        Instant end = Instant.now().plus(limit);
        while (Instant.now().isBefore(end)) {
            if (!nspawn.isAlive()) {
                throw new AssertionError("systemd-nspawn exited (" + nspawn.exitValue() + "): see the console log");
            }
            Optional<Long> init = nspawn.toHandle().descendants().map(ProcessHandle::pid).filter(p -> {
                try {
                    String status = Files.readString(Path.of("/proc/" + p + "/status"));
                    String[] nspid = status.lines().filter(l -> l.startsWith("NSpid:")).findFirst().orElse("")
                            .split("\\s+");
                    return nspid.length > 2 && nspid[nspid.length - 1].equals("1")
                            && Files.readString(Path.of("/proc/" + p + "/comm")).strip().equals("systemd");
                } catch (IOException gone) {
                    return false;
                }
            }).findFirst();
            if (init.isPresent()) {
                return init.get();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no systemd as the container's PID 1 within " + limit);
    }

    /** Commands in the booted container: all of PID 1's namespaces, a clean environment, as root. */
    record Container(long init) {

        Cmd.Result run(int seconds, String... command) {
            List<String> all = new ArrayList<>(List.of("nsenter", "-t", Long.toString(init), "-a", "/usr/bin/env",
                    "-i", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8",
                    "DEBIAN_FRONTEND=noninteractive", "HOME=/root"));
            all.addAll(List.of(command));
            return Cmd.run(seconds, all.toArray(String[]::new));
        }

        String must(int seconds, String... command) {
            Cmd.Result r = run(seconds, command);
            if (!r.ok()) {
                throw new AssertionError(String.join(" ", command) + " failed (" + r.exit() + "):\n" + r.output());
            }
            return r.output();
        }

        /** A shell command in the mount namespace of a process of the container (its pid there). */
        Cmd.Result inMountsOf(long pid, String shell) {
            return run(30, "nsenter", "-t", Long.toString(pid), "-m", "/bin/sh", "-c", shell);
        }

        /** Waits until the boot is done ("running", or "degraded" when some unit failed). */
        String awaitBooted(Duration limit) throws InterruptedException {
            Instant end = Instant.now().plus(limit);
            String last = "";
            while (Instant.now().isBefore(end)) {
                last = run(60, "systemctl", "is-system-running", "--wait").output().strip();
                if (last.endsWith("running") || last.endsWith("degraded")) {
                    return last;
                }
                Thread.sleep(500);
            }
            throw new AssertionError("the container did not finish booting: " + last);
        }
    }

    private static void awaitActive(Container box, String unit, Duration limit) throws InterruptedException {
        Instant end = Instant.now().plus(limit);
        String state = "";
        while (Instant.now().isBefore(end)) {
            state = box.run(30, "systemctl", "is-active", unit).output().strip();
            if (state.equals("active")) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(unit + " is " + state + ":\n" + box.run(30, "systemctl", "status", "--no-pager",
                unit).output());
    }

    /** The first 200 from /health within the limit, or null. */
    private static Instant awaitHealth(int port, Duration limit) throws InterruptedException {
        Instant end = Instant.now().plus(limit);
        while (Instant.now().isBefore(end)) {
            if (health(port) == 200) {
                return Instant.now();
            }
            Thread.sleep(250);
        }
        return null;
    }

    /** The status of GET /health on the loopback port, -1 when nothing answers. */
    private static int health(int port) throws InterruptedException {
        try {
            return Server.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException nothing) {
            return -1;
        }
    }

    private static long mainPid(Container box) {
        return Long.parseLong(box.must(30, "systemctl", "show", "-p", "MainPID", "--value", SERVICE).strip());
    }

    private static Map<String, String> procStatus(Container box, long pid) {
        return box.must(30, "cat", "/proc/" + pid + "/status").lines().filter(l -> l.contains(":"))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(':')), l -> l.substring(l.indexOf(':') + 1)
                        .strip(), (a, b) -> a, java.util.LinkedHashMap::new));
    }

    /** The first alternative of each of the package's Depends, without version: what the cached layer holds. */
    static List<String> depends(Path deb) {
        String depends = Cmd.must(30, "dpkg-deb", "-f", deb.toString(), "Depends").strip();
        return Arrays.stream(depends.split(",")).map(d -> d.split("\\|")[0].replaceAll("\\(.*\\)", "").strip())
                .filter(d -> !d.isEmpty()).toList();
    }

    private static String status(JsonObject report, String check) {
        for (JsonValue v : report.getJsonArray("checks")) {
            if (v.asJsonObject().getString("check").equals(check)) {
                return v.asJsonObject().getString("status");
            }
        }
        throw new AssertionError("no check '" + check + "' in " + report);
    }

    /** Power off, else kill the container's PID 1 (its whole pid namespace goes with it), then nspawn. */
    static void stop(Process nspawn, long init) throws InterruptedException {
        if (nspawn.isAlive() && init > 0) {
            Cmd.run(30, "nsenter", "-t", Long.toString(init), "-a", "systemctl", "poweroff");
            if (!nspawn.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && init > 0) {
                ProcessHandle.of(init).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        if (!nspawn.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            nspawn.descendants().forEach(ProcessHandle::destroyForcibly);
            nspawn.destroyForcibly();
            nspawn.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** A systemd-nspawn of this machine name still running (other sessions' containers are not ours). */
    private static boolean nspawnRunning() {
        return ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine()
                .filter(c -> c.contains("systemd-nspawn") && c.contains(MACHINE)).isPresent());
    }

    private static long seconds(Instant since) {
        return Duration.between(since, Instant.now()).toSeconds();
    }

    private static void note(Path log, String text) throws IOException {
        DebianPackageIT.note(log, text);
    }
}
