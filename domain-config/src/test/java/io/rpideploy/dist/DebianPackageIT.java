package io.rpideploy.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Debian package in a clean Debian 12 root (debootstrap): apt installs it with its dependencies from the
 * mirror, the files, user, unit and settings file are where they belong, the service starts as its unit would
 * start it (systemd is not PID 1 here or in CI: the unit's ExecStart as its User, with its Environment and
 * EnvironmentFile, in its WorkingDirectory) and answers /health; an upgrade to a higher version of the same
 * contents copies the database first and keeps the data and the locally edited settings; remove keeps the data,
 * purge removes it and the user.
 */
class DebianPackageIT {

    private static final int MANAGEMENT_PORT = 17600;
    private static final int DEPLOYMENT_PORT = 17601;
    private static final String ENV_FILE = "/etc/rpi-deploy/rpi-deploy.env";
    private static final String DATA = "/var/lib/rpi-deploy";

    @Test
    void installStartUpgradeRemovePurge() throws Exception {
        assumeTrue(Cmd.root(), "needs root: debootstrap, chroot, mounts");
        List<String> missing = Stream.of("debootstrap", "chroot", "mount", "dpkg-deb")
                .filter(t -> !Cmd.has(t)).toList();
        assumeTrue(missing.isEmpty(), "missing tools: " + missing + "; .ci/run installs them");

        Path target = Path.of(System.getProperty("rpideploy.dist")).toAbsolutePath().normalize().getParent();
        Path deb = DebianRoot.newestDeb(target);
        Path work = Files.createDirectories(target.resolve("debian12"));
        Path log = work.resolve("package-test.log");
        Files.deleteIfExists(log);
        Files.deleteIfExists(work.resolve("service-1.log"));
        Files.deleteIfExists(work.resolve("service-2.log"));
        Instant started = Instant.now();

        try (DebianRoot debian = DebianRoot.create(work)) {
            note(log, "root ready after " + Duration.between(started, Instant.now()).toSeconds() + " s");
            String version = Cmd.must(30, "dpkg-deb", "-f", deb.toString(), "Version").strip();

            // install: apt resolves Depends (a Java 17+ runtime, adduser, binutils) from the mirror
            Files.copy(deb, debian.path("/tmp/rpi-deploy.deb"));
            debian.must(300, "apt-get", "-q", "update");
            String install = debian.must(900, "apt-get", "-q", "-y", "--no-install-recommends", "install",
                    "/tmp/rpi-deploy.deb");
            note(log, install);
            assertTrue(install.contains("rpideploy doctor") && install.contains("server (management)"),
                    "postinst runs the doctor and prints its table:\n" + install);
            assertEquals("install ok installed " + version, debian.must(30, "dpkg-query", "-W", "-f",
                    "${Status} ${Version}", "rpi-deploy").strip());
            note(log, "installed after " + Duration.between(started, Instant.now()).toSeconds() + " s");

            // files, user, unit, settings
            assertTrue(Files.isExecutable(debian.path("/opt/rpi-deploy/bin/rpideploy")));
            assertTrue(Files.isRegularFile(debian.path("/opt/rpi-deploy/lib/payara-micro.jar")));
            assertTrue(Files.isRegularFile(debian.path("/opt/rpi-deploy/lib/ops/rpideploy-ops.jar")));
            assertTrue(Files.isExecutable(debian.path("/usr/sbin/rpideploy")));
            assertTrue(debian.must(30, "java", "-version").contains("version"));
            String[] user = debian.must(30, "getent", "passwd", "rpideploy").strip().split(":");
            assertTrue(Integer.parseInt(user[2]) < 1000, "a system user: " + String.join(":", user));
            assertEquals(DATA, user[5]);
            assertEquals("/usr/sbin/nologin", user[6]);
            assertEquals("rpideploy rpideploy 750", debian.must(30, "stat", "-c", "%U %G %a", DATA).strip());
            assertEquals("root rpideploy 640", debian.must(30, "stat", "-c", "%U %G %a", ENV_FILE).strip());
            assertTrue(debian.must(30, "dpkg-query", "-W", "-f", "${Conffiles}", "rpi-deploy").contains(ENV_FILE));
            assertTrue(Files.readString(debian.path(ENV_FILE)).contains("#RPIDEPLOY_DEPLOYMENT_ADDRESS="));
            Path unitFile = debian.path("/lib/systemd/system/rpi-deploy.service");
            Unit unit = Unit.parse(Files.readString(unitFile));
            assertEquals("rpideploy", unit.get("User"));
            assertEquals("CAP_NET_BIND_SERVICE", unit.get("AmbientCapabilities"));
            assertEquals("on-failure", unit.get("Restart"));
            assertEquals("journal", unit.get("StandardOutput"));
            assertEquals("strict", unit.get("ProtectSystem"));
            assertTrue(Files.isSymbolicLink(debian.path("/etc/systemd/system/multi-user.target.wants/"
                    + "rpi-deploy.service")), "enabled, as debhelper would (deb-systemd-helper)");
            verifyUnit(debian, unit, work, log);

            // a local edit of the settings: loopback ports of the test, no installer environment download
            String password = "deb-" + UUID.randomUUID();
            String edit = "\n# local edit by the package test\nRPIDEPLOY_MANAGEMENT_ADDRESS=127.0.0.1\n"
                    + "RPIDEPLOY_MANAGEMENT_PORT=" + MANAGEMENT_PORT + "\nRPIDEPLOY_DEPLOYMENT_ADDRESS=127.0.0.1\n"
                    + "RPIDEPLOY_DEPLOYMENT_PORT=" + DEPLOYMENT_PORT + "\nRPIDEPLOY_BOOT_ENV_INSTALLER_BUILD=never\n"
                    + "RPIDEPLOY_ADMIN_PASSWORD=\"" + password + "\"\n";
            Files.writeString(debian.path(ENV_FILE), edit, java.nio.file.StandardOpenOption.APPEND);

            Instant first = Instant.now();
            try (Server server = startAsUnit(debian, unit, password, work.resolve("service-1.log"))) {
                server.awaitHealthy(Duration.ofSeconds(240));
                note(log, "first start healthy after " + Duration.between(first, Instant.now()).toSeconds() + " s");
                assertEquals(200, Server.HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://127.0.0.1:" + DEPLOYMENT_PORT + "/health")).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode());
                assertEquals(201, server.post("/api/venues", "{\"code\":\"DEBI\",\"name\":\"Package\"}")
                        .statusCode());
                // the doctor as ops run it (root, through the wrapper, which reads the settings file)
                Cmd.Result doctor = debian.run(120, "/usr/sbin/rpideploy", "doctor", "--json");
                note(log, doctor.output());
                JsonObject report = Server.json(doctor.output());
                assertEquals("OK", status(report, "server (management)"), doctor.output());
                assertEquals("OK", status(report, "listener (deployment)"), doctor.output());
                assertEquals("OK", status(report, "database integrity"), doctor.output());
                assertEquals("OK", status(report, "schema version"), doctor.output());
                assertEquals(report.getInt("exit_code"), doctor.exit());
            }
            assertEquals("rpideploy", debian.must(30, "stat", "-c", "%U", DATA + "/rpideploy.db").strip());
            String uid = user[2];

            // upgrade: the same contents as a higher version
            Path upgrade = higherVersion(deb, work, version + "+upgradetest");
            Files.copy(upgrade, debian.path("/tmp/rpi-deploy-upgrade.deb"));
            String upgraded = debian.must(600, "apt-get", "-q", "-y", "--no-install-recommends", "install",
                    "/tmp/rpi-deploy-upgrade.deb");
            note(log, upgraded);
            assertEquals("install ok installed " + version + "+upgradetest", debian.must(30, "dpkg-query", "-W",
                    "-f", "${Status} ${Version}", "rpi-deploy").strip());
            assertTrue(Files.readString(debian.path(ENV_FILE)).contains(edit), "the edited settings are kept");
            assertEquals(uid, debian.must(30, "id", "-u", "rpideploy").strip(), "the same user");
            Path copies = debian.path(DATA + "/pre-upgrade");
            Path copy;
            try (Stream<Path> dirs = Files.list(copies)) {
                copy = dirs.filter(d -> d.getFileName().toString().endsWith("-from-" + version)).findFirst()
                        .orElseThrow(() -> new AssertionError("no pre-upgrade copy in " + copies));
            }
            assertEquals("ok", Server.integrityCheck(copy.resolve("rpideploy.db")));
            assertEquals(1, count(copy.resolve("rpideploy.db"), "SELECT count(*) FROM venue WHERE code = 'DEBI'"));

            Instant second = Instant.now();
            try (Server server = startAsUnit(debian, unit, password, work.resolve("service-2.log"))) {
                server.awaitHealthy(Duration.ofSeconds(240));
                note(log, "start after upgrade healthy after " + Duration.between(second, Instant.now()).toSeconds()
                        + " s");
                assertEquals(200, server.get("/api/venues/DEBI", true).statusCode(), "the data is kept");
            }

            // remove keeps data, settings and user; purge removes them
            note(log, debian.must(300, "apt-get", "-q", "-y", "remove", "rpi-deploy"));
            assertFalse(Files.exists(debian.path("/opt/rpi-deploy/bin/rpideploy")));
            assertFalse(Files.exists(debian.path("/lib/systemd/system/rpi-deploy.service")));
            assertTrue(Files.isRegularFile(debian.path(DATA + "/rpideploy.db")), "remove keeps the data");
            assertTrue(Files.readString(debian.path(ENV_FILE)).contains(edit), "remove keeps the settings");
            assertTrue(debian.run(30, "getent", "passwd", "rpideploy").ok());
            note(log, debian.must(300, "dpkg", "--purge", "rpi-deploy"));
            assertFalse(Files.exists(debian.path(DATA)), "purge removes the data");
            assertFalse(Files.exists(debian.path("/etc/rpi-deploy")), "purge removes the settings");
            assertFalse(debian.run(30, "getent", "passwd", "rpideploy").ok(), "purge removes the user");
            assertFalse(debian.run(30, "getent", "group", "rpideploy").ok(), "purge removes the group");
            assertFalse(debian.run(30, "dpkg-query", "-W", "rpi-deploy").output().contains("rpi-deploy\t"));
        } finally {
            note(log, "package test took " + Duration.between(started, Instant.now()).toSeconds() + " s");
        }
        assertTrue(DebianRoot.mountedUnder(work).isEmpty(), "every mount is gone");
    }

    /**
     * {@code systemd-analyze verify} of the installed unit with this machine's systemd (the root has none of its
     * own): a copy whose ExecStart points into the root, where the program is.
     */
    private static void verifyUnit(DebianRoot debian, Unit unit, Path work, Path log) throws IOException {
        if (!Cmd.has("systemd-analyze")) {
            note(log, "systemd-analyze not installed: unit not verified");
            return;
        }
        Path dir = Files.createDirectories(work.resolve("unit-verify"));
        Path copy = dir.resolve("rpi-deploy.service");
        String exec = unit.get("ExecStart");
        Files.writeString(copy, Files.readString(debian.path("/lib/systemd/system/rpi-deploy.service"))
                .replace("ExecStart=" + exec, "ExecStart=" + debian.path(exec)));
        Cmd.Result verify = Cmd.run(60, "systemd-analyze", "verify", copy.toString());
        note(log, "systemd-analyze verify: " + verify.exit() + "\n" + verify.output());
        assertTrue(verify.ok() && verify.output().isBlank(), "systemd-analyze verify:\n" + verify.output());
    }

    /**
     * Starts the service as its unit says: User/Group, Environment, EnvironmentFile (KEY=value lines), the
     * WorkingDirectory and ExecStart, inside the root; the process is the server (the start script execs java).
     */
    private static Server startAsUnit(DebianRoot debian, Unit unit, String password, Path log) throws IOException {
        String uid = debian.must(30, "id", "-u", unit.get("User")).strip();
        String gid = debian.must(30, "getent", "group", unit.get("Group")).strip().split(":")[2];
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("HOME", DATA);
        env.put("LANG", "C.UTF-8");
        for (String assignment : unit.all("Environment")) {
            env.put(assignment.substring(0, assignment.indexOf('=')), assignment.substring(assignment.indexOf('=') + 1));
        }
        for (String file : unit.all("EnvironmentFile")) {
            Path inside = debian.path(file.startsWith("-") ? file.substring(1) : file);
            if (Files.exists(inside) || !file.startsWith("-")) {
                env.putAll(Unit.environmentFile(Files.readString(inside)));
            }
        }
        List<String> command = new ArrayList<>(List.of("chroot", "--userspec=" + uid + ":" + gid,
                debian.root.toString(), "/usr/bin/env", "-i"));
        env.forEach((k, v) -> command.add(k + "=" + v));
        command.addAll(List.of("/bin/sh", "-c", "cd \"$0\" && exec " + unit.get("ExecStart"),
                unit.get("WorkingDirectory")));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return Server.attach(process, MANAGEMENT_PORT, password);
    }

    /** The package with another version in its control file: unpacked and built again by dpkg-deb. */
    private static Path higherVersion(Path deb, Path work, String version) throws IOException {
        Path tree = work.resolve("upgrade-tree");
        Cmd.run(120, "rm", "-rf", "--one-file-system", tree.toString());
        Cmd.must(300, "dpkg-deb", "-R", deb.toString(), tree.toString());
        Path control = tree.resolve("DEBIAN/control");
        Files.writeString(control, Files.readString(control).replaceFirst("(?m)^Version: .*$", "Version: " + version));
        Path out = work.resolve("rpi-deploy-upgrade.deb");
        Files.deleteIfExists(out);
        // the payload is mostly jars, compressed already
        Cmd.must(300, "dpkg-deb", "-Znone", "-b", tree.toString(), out.toString());
        Cmd.run(120, "rm", "-rf", "--one-file-system", tree.toString());
        return out;
    }

    private static String status(JsonObject report, String check) {
        for (JsonValue v : report.getJsonArray("checks")) {
            if (v.asJsonObject().getString("check").equals(check)) {
                return v.asJsonObject().getString("status");
            }
        }
        throw new AssertionError("no check '" + check + "' in " + report);
    }

    private static int count(Path database, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database);
             ResultSet r = c.createStatement().executeQuery(sql)) {
            r.next();
            return r.getInt(1);
        }
    }

    static void note(Path log, String text) throws IOException {
        Files.writeString(log, text + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    /** The [Service] and [Unit] settings of a unit file, as systemd reads the simple ones. */
    record Unit(Map<String, List<String>> settings) {

        static Unit parse(String text) {
            Map<String, List<String>> settings = new LinkedHashMap<>();
            for (String line : text.lines().map(String::strip).toList()) {
                if (line.isEmpty() || line.startsWith("#") || line.startsWith(";") || line.startsWith("[")) {
                    continue;
                }
                int eq = line.indexOf('=');
                settings.computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>())
                        .add(line.substring(eq + 1).strip());
            }
            return new Unit(settings);
        }

        String get(String key) {
            List<String> values = all(key);
            if (values.isEmpty()) {
                throw new AssertionError("the unit has no " + key + "=");
            }
            return values.get(values.size() - 1);
        }

        List<String> all(String key) {
            return settings.getOrDefault(key, List.of());
        }

        /** KEY=value lines; # comments; one pair of surrounding quotes removed (systemd.exec, EnvironmentFile). */
        static Map<String, String> environmentFile(String text) {
            Map<String, String> env = new LinkedHashMap<>();
            for (String line : text.lines().map(String::strip).toList()) {
                if (line.isEmpty() || line.startsWith("#") || line.startsWith(";") || !line.contains("=")) {
                    continue;
                }
                String value = line.substring(line.indexOf('=') + 1).strip();
                if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                        || value.startsWith("'") && value.endsWith("'"))) {
                    value = value.substring(1, value.length() - 1);
                }
                env.put(line.substring(0, line.indexOf('=')).strip(), value);
            }
            return env;
        }
    }
}
