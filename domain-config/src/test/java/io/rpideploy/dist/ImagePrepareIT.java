package io.rpideploy.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.ops.image.PiCard;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/rpideploy image prepare --register} against the built server: the prepared archive is accepted by the
 * real upload (a partition table inside, decompressed on arrival) and listed with the raw image's size and SHA-256.
 */
class ImagePrepareIT {

    private static final int MANAGEMENT_PORT = 17700;
    private static final int DEPLOYMENT_PORT = 17701;

    @Test
    void aPreparedCardIsRegisteredWithTheServer() throws Exception {
        Path work = BootLab.freshDir(Path.of(System.getProperty("rpideploy.it.home")).resolveSibling("image-prepare"));
        Path home = Files.createDirectories(work.resolve("home"));
        Path log = work.resolve("server.log");
        String password = "img-" + UUID.randomUUID();
        PiCard card = PiCard.build(work, "kxp2-ref.img", 160, true);

        try (Server server = Server.start(home, MANAGEMENT_PORT, DEPLOYMENT_PORT, password, log)) {
            server.awaitHealthy(Duration.ofSeconds(180));

            Path dist = Path.of(System.getProperty("rpideploy.dist"));
            ProcessBuilder builder = new ProcessBuilder(dist.resolve("bin/rpideploy").toString(), "image", "prepare",
                    "kxp2-ref.img", "--register", "--url", "http://127.0.0.1:" + MANAGEMENT_PORT, "--user", "admin",
                    "--product", "KXP2", "--version", "7.1").directory(work.toFile()).redirectErrorStream(true);
            builder.environment().keySet().removeIf(k -> k.startsWith("RPIDEPLOY_"));
            builder.environment().put("RPIDEPLOY_API_PASSWORD", password);
            Process p = builder.start();
            p.getOutputStream().close();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), output);
            assertEquals(0, p.exitValue(), output);
            assertTrue(output.toLowerCase(java.util.Locale.ROOT).contains("registered: kxp2_v7.1_"), output);
            assertFalse(Files.exists(work.resolve("data")), "no data directory made in the caller's folder");

            Path raw = work.resolve("kxp2-ref-prepared.img");
            Path zst = work.resolve("kxp2-ref-prepared.img.zst");
            HttpResponse<String> list = server.get("/api/images", true);
            assertEquals(200, list.statusCode(), list.body());
            JsonObject image = null;
            for (JsonValue v : Server.json(list.body()).getJsonArray("images")) {
                if (v.asJsonObject().getString("version", "").equals("7.1")) {
                    image = v.asJsonObject();
                }
            }
            assertTrue(image != null, list.body());
            assertEquals("KXP2", image.getString("product_type"));
            assertEquals(sha256(zst), image.getString("checksum"), image.toString());
            assertEquals(Files.size(raw), image.getJsonNumber("uncompressed_size").longValue(), image.toString());
            assertEquals(sha256(raw), image.getString("uncompressed_checksum"), image.toString());
            assertTrue(image.getString("description").startsWith("prepared from kxp2-ref.img"), image.toString());
        }
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
