package io.rpideploy.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The operator's backup and restore, with the built distribution: data made through the APIs (a venue, its pool of
 * kart numbers, an image, a board's deployment through /api/config, a second user), {@code rpideploy backup} while
 * boards keep getting hostnames, {@code rpideploy restore} into a new data directory, and a second server on it
 * that has every venue, slot, deployment, user and image. {@code rpideploy reset-password} on a running server is
 * proved by logging in with the printed password. The first start's log is checked to be one a person can read.
 */
class BackupRestoreIT {

    private static final int MANAGEMENT = 17500;
    private static final int DEPLOYMENT = 17501;
    private static final int RESTORED_MANAGEMENT = 17502;
    private static final int RESTORED_DEPLOYMENT = 17503;
    private static final String VENUE = "BKUP";
    private static final Pattern NEW_PASSWORD = Pattern.compile("new password for (\\S+): (\\S+)");

    @Test
    void aBackupTakenWhileServingRestoresIntoANewDataDirectory() throws Exception {
        Path base = BootLab.freshDir(Path.of(System.getProperty("rpideploy.it.home")).resolveSibling("backup-it"));
        Path home = base.resolve("home");
        Path restored = base.resolve("restored");
        Path backups = base.resolve("backups");
        Path envFile = base.resolve("rpi-deploy.env");
        Files.writeString(envFile, "RPIDEPLOY_MANAGEMENT_PORT=" + MANAGEMENT + "\nRPIDEPLOY_ADMIN_PASSWORD=kept-secret\n");
        String password = "it-" + UUID.randomUUID();
        String operatorPassword = "op-" + UUID.randomUUID();
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        byte[] image = TestImages.disk(1 << 20, 17);
        long deploymentId;
        String imageName;
        Path archive;

        try (Server server = Server.start(home, MANAGEMENT, DEPLOYMENT, password, base.resolve("server.log"))) {
            server.awaitHealthy(Duration.ofSeconds(180));
            assertReadableStart(base.resolve("server.log"));
            assertEquals(201, server.post("/api/venues", "{\"code\":\"" + VENUE + "\",\"name\":\"Backup\"}")
                    .statusCode());
            assertEquals(200, server.post("/api/kart-numbers", "{\"venue_code\":\"" + VENUE
                    + "\",\"numbers\":\"1-500\"}").statusCode());
            assertEquals(201, server.post("/api/users", "{\"username\":\"operator1\",\"role\":\"operator\","
                    + "\"password\":\"" + operatorPassword + "\"}").statusCode());
            Files.write(Files.createDirectories(home.resolve("images/import")).resolve("bk-kxp2.img"), image);
            HttpResponse<String> imported = server.post("/api/images/import",
                    "{\"filename\":\"bk-kxp2.img\",\"product_type\":\"KXP2\",\"version\":\"bk-1\"}");
            assertEquals(201, imported.statusCode(), imported.body());
            JsonObject registered = Server.json(imported.body()).getJsonObject("image");
            imageName = registered.getString("filename");
            HttpResponse<String> active = server.post("/api/images/" + registered.getJsonNumber("id") + "/activate",
                    "{}");
            assertEquals(200, active.statusCode(), active.body());
            HttpResponse<String> config = config(DEPLOYMENT, "b000000000000001");
            assertEquals(200, config.statusCode(), config.body());
            deploymentId = Server.json(config.body()).getJsonNumber("deployment_id").longValue();
            acknowledged.put(Server.json(config.body()).getString("hostname"), "b000000000000001");
            Files.writeString(Files.createDirectories(home.resolve("boot/1a2b3c4d")).resolve("config.txt"),
                    "arm_64bit=1\n");

            // boards keep getting hostnames while the backup runs (bounded: 450 boards or 2 minutes)
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger duringBackup = new AtomicInteger();
            AtomicBoolean backupRunning = new AtomicBoolean();
            Map<String, String> beforeBackup = new HashMap<>();
            Thread boards = new Thread(() -> {
                Instant until = Instant.now().plusSeconds(120);
                for (int board = 2; board < 450 && !stop.get() && Instant.now().isBefore(until); board++) {
                    String serial = String.format("b%015d", board);
                    try {
                        boolean running = backupRunning.get();
                        HttpResponse<String> reply = server.post("/api/hostname/assign", "{\"product_type\":\"KXP2\","
                                + "\"venue_code\":\"" + VENUE + "\",\"serial_number\":\"" + serial + "\"}");
                        if (reply.statusCode() == 200) {
                            String hostname = Server.json(reply.body()).getString("hostname");
                            acknowledged.put(hostname, serial);
                            if (running && backupRunning.get()) {
                                duringBackup.incrementAndGet();
                            }
                        }
                    } catch (IOException | RuntimeException e) {
                        // counted by what is missing below
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            boards.start();
            while (acknowledged.size() < 20 && boards.isAlive()) {
                Thread.sleep(20);
            }
            beforeBackup.putAll(acknowledged);
            backupRunning.set(true);
            Cmd.Result backup = rpideploy(home, envFile, "backup", "--with-images", "--output", backups.toString(),
                    "--keep", "3");
            backupRunning.set(false);
            stop.set(true);
            boards.join(60_000);
            assertEquals(0, backup.exit(), backup.output());
            assertFalse(backup.output().contains("kept-secret"), "no secret printed");
            assertTrue(duringBackup.get() > 0, "the server answered while the backup ran");
            System.out.println("[backup-it] hostnames assigned while the backup ran: " + duringBackup.get());
            try (Stream<Path> list = Files.list(backups)) {
                archive = list.filter(p -> p.toString().endsWith(".zip")).findFirst().orElseThrow();
            }

            // a restore onto the data directory of a running server is refused and changes nothing
            Cmd.Result refused = rpideploy(home, envFile, "restore", archive.toString(), "--force");
            assertEquals(2, refused.exit(), refused.output());
            assertTrue(refused.output().contains("a server is running on"), refused.output());
            assertEquals(200, server.get("/api/venues/" + VENUE, true).statusCode());

            // reset-password while the server runs: the printed password logs in, the old one no longer does
            Cmd.Result reset = rpideploy(home, envFile, "reset-password", "operator1");
            assertEquals(0, reset.exit(), reset.output());
            String fresh = printedPassword(reset, "operator1");
            assertEquals(200, as(server, "operator1", fresh, "/api/venues").statusCode());
            assertEquals(401, as(server, "operator1", operatorPassword, "/api/venues").statusCode());
            Cmd.Result unknown = rpideploy(home, envFile, "reset-password", "nobody");
            assertEquals(2, unknown.exit(), unknown.output());
            assertTrue(unknown.output().contains("no user 'nobody'"), unknown.output());
            HttpResponse<String> audit = server.get("/api/audit?action=user.password", true);
            assertTrue(audit.body().contains("operator1"), audit.body());
            assertTrue(audit.body().contains("reset-password"), audit.body());

            // what was acknowledged before the backup began must be in it; later ones may or may not be
            acknowledged.clear();
            acknowledged.putAll(beforeBackup);
        }

        Path restoredEnv = base.resolve("restored.env");
        Cmd.Result restore = rpideploy(restored, restoredEnv, "restore", archive.toString());
        assertEquals(0, restore.exit(), restore.output());
        assertFalse(restore.output().contains("kept-secret"), "no secret printed");
        assertEquals(Files.readString(envFile), Files.readString(restoredEnv), "the settings came back");

        try (Server second = Server.start(restored, RESTORED_MANAGEMENT, RESTORED_DEPLOYMENT, password,
                base.resolve("restored-server.log"))) {
            second.awaitHealthy(Duration.ofSeconds(180));
            assertEquals(200, second.get("/api/venues/" + VENUE, true).statusCode());
            HttpResponse<String> slots = second.get("/api/venues/" + VENUE + "/slots?limit=1000", true);
            assertEquals(200, slots.statusCode(), slots.body());
            Map<String, String> stored = new HashMap<>();
            int total = 0;
            for (JsonValue slot : Server.json(slots.body()).getJsonArray("slots")) {
                JsonObject s = slot.asJsonObject();
                total++;
                if (s.containsKey("serial_number") && !s.isNull("serial_number")) {
                    stored.put(s.getString("hostname"), s.getString("serial_number"));
                }
            }
            assertEquals(500, total, "every kart number of the pool");
            for (Map.Entry<String, String> board : acknowledged.entrySet()) {
                assertEquals(board.getValue(), stored.get(board.getKey()), "slot " + board.getKey() + " restored");
            }
            HttpResponse<String> deployment = second.get("/api/deployments/" + deploymentId, true);
            assertEquals(200, deployment.statusCode(), deployment.body());
            assertEquals("b000000000000001", Server.json(deployment.body()).getJsonObject("deployment")
                    .getString("serial_number"));
            HttpResponse<String> users = second.get("/api/users", true);
            assertTrue(users.body().contains("\"operator1\""), users.body());
            // the user as backed up: the password from before the reset
            assertEquals(200, as(second, "operator1", operatorPassword, "/api/venues").statusCode());
            JsonObject images = Server.json(second.get("/api/images", true).body());
            JsonObject restoredImage = images.getJsonArray("images").getJsonObject(0);
            assertEquals(imageName, restoredImage.getString("filename"));
            assertTrue(restoredImage.getBoolean("is_active"));
            HttpResponse<byte[]> served = Server.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + RESTORED_DEPLOYMENT + "/images/" + restoredImage.getString("filename"))).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, served.statusCode());
            assertTrue(java.util.Arrays.equals(image, served.body()), "the image file came back");
            HttpResponse<String> boot = Server.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + RESTORED_DEPLOYMENT + "/boot/1a2b3c4d/config.txt")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("arm_64bit=1\n", boot.body());

            // the restored server's admin password reset while it serves, then used
            Cmd.Result reset = rpideploy(restored, restoredEnv, "reset-password", "admin");
            assertEquals(0, reset.exit(), reset.output());
            assertEquals(200, as(second, "admin", printedPassword(reset, "admin"), "/api/users").statusCode());
        }
        assertEquals("ok", Server.integrityCheck(restored.resolve("rpideploy.db")));
    }

    /**
     * Issue 17's "a start a person can read": no expired-certificate dumps from the runtime's trust store, no colour
     * codes, a few dozen lines, and a summary saying where the console, the deployment API and netboot are.
     */
    private static void assertReadableStart(Path log) throws Exception {
        Instant until = Instant.now().plusSeconds(90);
        String text = Files.readString(log);
        while (!text.contains("rpi-deploy started in") && Instant.now().isBefore(until)) {
            Thread.sleep(250);
            text = Files.readString(log);
        }
        assertTrue(text.contains("rpi-deploy started in"), text);
        assertFalse(text.contains("has expired"), "no expired certificate in the trust store");
        assertFalse(text.contains("\u001b["), "no colour codes");
        String start = text.substring(0, text.indexOf("rpi-deploy started in"));
        assertTrue(start.lines().count() <= 40, "a short start log:\n" + start);
        // at INFO only rpi-deploy's own lines: the runtime's chatter (virtual servers, session managers) is kept to
        // its warnings
        Matcher info = Pattern.compile("(?m)^\\S+ \\S+ INFO (\\S+):").matcher(start);
        while (info.find()) {
            assertTrue(info.group(1).startsWith("io.rpideploy."), "an INFO line of the runtime in the start log: "
                    + info.group(1) + "\n" + start);
        }
        String summary = text.substring(text.indexOf("rpi-deploy started in"));
        assertTrue(summary.contains("console and management API: http://127.0.0.1:" + MANAGEMENT + "/"), summary);
        assertTrue(summary.contains("(boards): http://127.0.0.1:" + DEPLOYMENT + "/"), summary);
        assertTrue(summary.contains("netboot: DHCP disabled"), summary);
        System.out.println("[backup-it] start log, " + text.lines().count() + " lines:\n" + text);
    }

    private static HttpResponse<String> config(int port, String serial) throws IOException, InterruptedException {
        return Server.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/config"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"product_type\":\"KXP2\",\"venue_code\":\"" + VENUE
                        + "\",\"serial_number\":\"" + serial + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> as(Server server, String user, String password, String path)
            throws IOException, InterruptedException {
        return Server.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.managementPort + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String printedPassword(Cmd.Result reset, String user) {
        Matcher m = NEW_PASSWORD.matcher(reset.output());
        assertTrue(m.find(), reset.output());
        assertEquals(user, m.group(1));
        return m.group(2);
    }

    /** bin/rpideploy COMMAND with the data directory and settings file of one server; bounded to 5 minutes. */
    private static Cmd.Result rpideploy(Path home, Path envFile, String... args) throws Exception {
        Path dist = Path.of(System.getProperty("rpideploy.dist"));
        List<String> command = new java.util.ArrayList<>(List.of(dist.resolve("bin/rpideploy").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("RPIDEPLOY_HOME", home.toString());
        builder.environment().put("RPIDEPLOY_ENV_FILE", envFile.toString());
        Process p = builder.start();
        p.getOutputStream().close();
        byte[][] out = new byte[1][];
        Thread reader = new Thread(() -> {
            try {
                out[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = e.toString().getBytes(StandardCharsets.UTF_8);
            }
        });
        reader.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("rpideploy " + String.join(" ", args) + " did not finish in 5 minutes");
        }
        reader.join(10_000);
        String output = new String(out[0], StandardCharsets.UTF_8);
        System.out.println("[backup-it] rpideploy " + String.join(" ", args) + " -> " + p.exitValue() + "\n" + output);
        return new Cmd.Result(p.exitValue(), output);
    }
}
