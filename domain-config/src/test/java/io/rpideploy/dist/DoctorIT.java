package io.rpideploy.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code rpideploy doctor} against the built server, each failure made to happen: a listener bound elsewhere than
 * the settings now say, an active image whose file changed or is gone, and a damaged database. The verdict of the
 * check concerned and the exit code (2 on any FAIL) are what is asserted.
 */
class DoctorIT {

    private static final int MANAGEMENT_PORT = 17610;
    private static final int DEPLOYMENT_PORT = 17611;

    record Run(int exit, JsonObject report, String output) {
        String status(String check) {
            for (JsonValue v : report.getJsonArray("checks")) {
                if (v.asJsonObject().getString("check").equals(check)) {
                    return v.asJsonObject().getString("status");
                }
            }
            throw new AssertionError("no check '" + check + "' in " + output);
        }

        String message(String check) {
            for (JsonValue v : report.getJsonArray("checks")) {
                if (v.asJsonObject().getString("check").equals(check)) {
                    return v.asJsonObject().getString("message");
                }
            }
            throw new AssertionError("no check '" + check + "' in " + output);
        }
    }

    @Test
    void doctorFailsForAWrongListenerAMissingImageAndADamagedDatabase() throws Exception {
        Path home = BootLab.freshDir(Path.of(System.getProperty("rpideploy.it.home")).resolveSibling("doctor-home"));
        Path log = home.resolveSibling("doctor-server.log");
        Files.deleteIfExists(log);
        String password = "doc-" + UUID.randomUUID();
        Map<String, String> env = new HashMap<>();
        env.put("RPIDEPLOY_HOME", home.toString());
        env.put("RPIDEPLOY_MANAGEMENT_ADDRESS", "127.0.0.1");
        env.put("RPIDEPLOY_MANAGEMENT_PORT", String.valueOf(MANAGEMENT_PORT));
        env.put("RPIDEPLOY_DEPLOYMENT_ADDRESS", "127.0.0.1");
        env.put("RPIDEPLOY_DEPLOYMENT_PORT", String.valueOf(DEPLOYMENT_PORT));

        try (Server server = Server.start(home, MANAGEMENT_PORT, DEPLOYMENT_PORT, password, log)) {
            server.awaitHealthy(Duration.ofSeconds(180));

            Run healthy = doctor(env, "--json");
            assertEquals("OK", healthy.status("server (management)"), healthy.output());
            assertEquals("OK", healthy.status("server (deployment)"), healthy.output());
            assertEquals("OK", healthy.status("listener (management)"), healthy.output());
            assertEquals("OK", healthy.status("listener (deployment)"), healthy.output());
            assertEquals("OK", healthy.status("network placement"), healthy.output());
            assertEquals("OK", healthy.status("netboot adapter (DHCP/TFTP)"), healthy.output());
            assertEquals("OK", healthy.status("other DHCP server"), healthy.output());
            assertEquals("OK", healthy.status("database integrity"), healthy.output());
            assertEquals("OK", healthy.status("schema version"), healthy.output());
            assertEquals("WARN", healthy.status("image KXP2"), "no active image yet");
            assertEquals(healthy.report().getInt("exit_code"), healthy.exit());
            // netboot is off in this test (no deployment interface): a warning, not a failure
            assertEquals(1, healthy.exit(), healthy.output());

            // a listener on the wrong address: the settings now say 127.0.0.2, the server runs on 127.0.0.1
            Map<String, String> moved = new HashMap<>(env);
            moved.put("RPIDEPLOY_DEPLOYMENT_ADDRESS", "127.0.0.2");
            Run wrong = doctor(moved, "--json");
            assertEquals("FAIL", wrong.status("listener (deployment)"), wrong.output());
            assertTrue(wrong.message("listener (deployment)").contains("bound to 127.0.0.1:" + DEPLOYMENT_PORT),
                    wrong.output());
            assertEquals("OK", wrong.status("listener (management)"), wrong.output());
            assertEquals(2, wrong.exit(), wrong.output());
            // both listeners on every address: a warning unless allowed
            Map<String, String> wide = new HashMap<>(env);
            wide.put("RPIDEPLOY_MANAGEMENT_ADDRESS", "0.0.0.0");
            wide.put("RPIDEPLOY_DEPLOYMENT_ADDRESS", "0.0.0.0");
            assertEquals("WARN", doctor(wide, "--json").status("network placement"));
            wide.put("RPIDEPLOY_DOCTOR_ALLOW_ANY_ADDRESS", "true");
            assertEquals("OK", doctor(wide, "--json").status("network placement"));

            // an active image, then its file changed (same size: only --deep sees it), then gone
            Path image = activateImage(server, home);
            Run active = doctor(env, "--json");
            assertEquals("OK", active.status("image KXP2"), active.output());
            try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
                file.seek(1000);
                file.write(new byte[] {1, 2, 3, 4});
            }
            assertEquals("OK", doctor(env, "--json").status("image KXP2"), "the size still matches");
            Run deep = doctor(env, "--json", "--deep");
            assertEquals("FAIL", deep.status("image KXP2"), deep.output());
            assertEquals(2, deep.exit());
            Files.delete(image);
            Run missing = doctor(env, "--json");
            assertEquals("FAIL", missing.status("image KXP2"), missing.output());
            assertTrue(missing.message("image KXP2").contains("missing"), missing.output());
            assertEquals(2, missing.exit(), missing.output());

            // the table for people says the same
            Run table = doctor(env);
            assertTrue(table.output().contains("image KXP2") && table.output().contains("FAIL"), table.output());
            assertEquals(2, table.exit());
        }

        // a damaged database: the server stopped, the file overwritten after its first page
        Path db = home.resolve("rpideploy.db");
        Files.deleteIfExists(home.resolve("rpideploy.db-wal"));
        Files.deleteIfExists(home.resolve("rpideploy.db-shm"));
        damage(db);
        Run damaged = doctor(env, "--json");
        assertEquals("FAIL", damaged.status("database integrity"), damaged.output());
        assertEquals("FAIL", damaged.status("server (management)"), "stopped");
        assertEquals(2, damaged.exit(), damaged.output());
    }

    /** Every page after the first (the schema's) overwritten: the tables' b-trees are gone. */
    private static void damage(Path db) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(db.toFile(), "rw")) {
            file.seek(16);
            int pageSize = file.readUnsignedShort();
            pageSize = pageSize == 1 ? 65536 : pageSize;
            byte[] garbage = new byte[pageSize];
            new Random(17).nextBytes(garbage);
            for (long at = pageSize; at < file.length(); at += pageSize) {
                file.seek(at);
                file.write(garbage);
            }
        }
    }

    /** A small image imported and activated for KXP2; its file in the store. */
    private static Path activateImage(Server server, Path home) throws Exception {
        Path imports = Files.createDirectories(home.resolve("images/import"));
        byte[] content = new byte[64 * 1024];
        new Random(7).nextBytes(content);
        Files.write(imports.resolve("doctor.img"), content);
        HttpResponse<String> imported = server.post("/api/images/import",
                "{\"filename\":\"doctor.img\",\"product_type\":\"KXP2\",\"version\":\"1.0\"}");
        assertEquals(201, imported.statusCode(), imported.body());
        JsonObject image = Server.json(imported.body()).getJsonObject("image");
        HttpResponse<String> active = server.post("/api/images/" + image.getJsonNumber("id").longValue()
                + "/activate", "{}");
        assertEquals(200, active.statusCode(), active.body());
        return home.resolve("images").resolve(image.getString("filename"));
    }

    /** {@code bin/rpideploy doctor ...} with exactly these settings, as ops run it. */
    private static Run doctor(Map<String, String> env, String... args) throws Exception {
        Path dist = Path.of(System.getProperty("rpideploy.dist"));
        List<String> command = new ArrayList<>(List.of(dist.resolve("bin/rpideploy").toString(), "doctor"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("RPIDEPLOY_"));
        builder.environment().putAll(env);
        Process p = builder.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("doctor did not finish within 120 s");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        JsonObject report = List.of(args).contains("--json") ? Server.json(text) : null;
        return new Run(p.exitValue(), report, text);
    }
}
