package io.rpideploy.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rpideploy.ops.image.PiCard;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * real upload (a partition table inside, decompressed on arrival) and listed with the raw image's size and SHA-256,
 * with its block map; then our installer.jar, from the distribution, deploys it onto a loop device filled with a
 * marker: it fetched the map from the server, wrote every mapped block and left every unmapped one as it was.
 */
class ImagePrepareIT {

    private static final int MANAGEMENT_PORT = Integer.getInteger("rpideploy.it.imagePrepare.port", 17700);
    private static final int DEPLOYMENT_PORT = MANAGEMENT_PORT + 1;
    private static final byte[] MARKER = "UNMAPPED-MARKER!".getBytes(StandardCharsets.US_ASCII);
    private static final int BLOCK = 4096;

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

            // the block map went with it and is served beside the image, where the installer asks for it
            Path bmap = work.resolve("kxp2-ref-prepared.img.bmap");
            assertTrue(image.getBoolean("has_bmap"), image.toString());
            String filename = image.getString("filename");
            HttpResponse<byte[]> served = deployment("/images/" + filename + ".bmap");
            assertEquals(200, served.statusCode());
            assertArrayEquals(Files.readAllBytes(bmap), served.body());
            Files.copy(bmap, home.resolve("images/unregistered.img.bmap"));
            assertEquals(404, deployment("/images/unregistered.img.bmap").statusCode(), "only registered maps");

            long id = image.getJsonNumber("id").longValue();
            assertEquals(200, server.post("/api/images/" + id + "/activate", "{}").statusCode());
            assertEquals(201, server.post("/api/venues", "{\"code\":\"BMAP\",\"name\":\"Bmap\"}").statusCode());
            assertEquals(200, server.post("/api/kart-numbers", "{\"venue_code\":\"BMAP\",\"numbers\":\"1-9\"}")
                    .statusCode());
            installOntoMarkedCard(work, dist, raw, Files.readString(bmap));
        }
    }

    /**
     * The installer from the distribution against the server's deployment listener, onto a loop device whose every
     * byte is a marker: afterwards each mapped block holds the image's bytes and each unmapped one the marker.
     */
    private static void installOntoMarkedCard(Path work, Path dist, Path raw, String bmap) throws Exception {
        assumeTrue(Cmd.root() && Cmd.has("losetup"), "needs root and losetup (a block device as the card)");
        List<long[]> ranges = ranges(bmap);
        long imageBytes = Files.size(raw);
        // 2 MiB beyond the image: the installer zeroes a device's last MiB, which must not touch the image's blocks
        Path card = work.resolve("card.bin");
        long cardBytes = imageBytes + (2L << 20);
        try (FileChannel out = FileChannel.open(card, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer pattern = ByteBuffer.allocate(1 << 20);
            while (pattern.hasRemaining()) {
                pattern.put(MARKER, 0, Math.min(MARKER.length, pattern.remaining()));
            }
            for (long at = 0; at < cardBytes; at += pattern.capacity()) {
                pattern.clear().limit((int) Math.min(pattern.capacity(), cardBytes - at));
                out.write(pattern, at);
            }
        }
        Path sys = Files.createDirectories(work.resolve("sys"));
        Files.writeString(sys.resolve("cpuinfo"), "processor\t: 0\nSerial\t\t: 10000000b1a9c0de\n"
                + "Model\t\t: Raspberry Pi 5 Model B Rev 1.0\n");
        Files.writeString(sys.resolve("cmdline"), "console=tty1\n");
        Files.writeString(Files.createDirectories(sys.resolve("net/eth0")).resolve("address"), "2c:cf:67:0b:0a:01\n");
        Cmd.Result attached = Cmd.run(20, "losetup", "-f", "--show", card.toString());
        assertTrue(attached.ok(), attached.output());
        String loop = attached.output().strip();
        String output;
        try {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Cmd.Result installer = Cmd.run(300, java, "-Xmx192m", "-jar",
                    dist.resolve("installer-env/installer.jar").toString(), "--server",
                    "http://127.0.0.1:" + DEPLOYMENT_PORT, "--product", "KXP2", "--venue", "BMAP", "--device", loop,
                    "--cpuinfo", sys.resolve("cpuinfo").toString(), "--cmdline", sys.resolve("cmdline").toString(),
                    "--net-dir", sys.resolve("net").toString(), "--customize", "none", "--no-reboot",
                    "--verify", "full", "--config-wait", "30");
            output = installer.output();
            assertEquals(0, installer.exit(), output);
        } finally {
            Cmd.run(20, "losetup", "-d", loop);
        }
        assertTrue(output.contains("bmap: " + ranges.size() + " ranges"), output);

        long mappedBlocks = 0;
        long unmappedBlocks = 0;
        try (FileChannel image = FileChannel.open(raw); FileChannel written = FileChannel.open(card)) {
            ByteBuffer want = ByteBuffer.allocate(BLOCK);
            ByteBuffer got = ByteBuffer.allocate(BLOCK);
            int next = 0;
            for (long block = 0; block * BLOCK < imageBytes; block++) {
                while (next < ranges.size() && ranges.get(next)[1] < block) {
                    next++;
                }
                boolean mapped = next < ranges.size() && ranges.get(next)[0] <= block;
                long at = block * BLOCK;
                int length = (int) Math.min(BLOCK, imageBytes - at);
                read(written, got, at, length);
                if (mapped || at < (1 << 20)) { // the first MiB (partition table) is always written whole
                    read(image, want, at, length);
                    if (!want.equals(got)) {
                        throw new AssertionError("mapped block " + block + " differs from the image");
                    }
                    mappedBlocks += mapped ? 1 : 0;
                } else {
                    for (int i = 0; i < length; i++) {
                        if (got.get(i) != MARKER[(int) ((at + i) % MARKER.length)]) {
                            throw new AssertionError("unmapped block " + block + " was written (byte " + i + ")");
                        }
                    }
                    unmappedBlocks++;
                }
            }
        }
        assertTrue(mappedBlocks > 0 && unmappedBlocks > 1000, "mapped " + mappedBlocks + ", unmapped "
                + unmappedBlocks + ": the card must have free blocks for this test to mean anything");
        System.out.printf("ImagePrepareIT: %d mapped blocks written, %d unmapped blocks left untouched%n",
                mappedBlocks, unmappedBlocks);
    }

    private static void read(FileChannel channel, ByteBuffer into, long at, int length) throws Exception {
        into.clear().limit(length);
        while (into.hasRemaining()) {
            if (channel.read(into, at + into.position()) < 0) {
                throw new AssertionError("short read at " + at);
            }
        }
        into.flip();
    }

    /** The {first, last} block ranges of a bmap (4 KiB blocks, as image prepare writes it). */
    private static List<long[]> ranges(String bmap) {
        assertTrue(bmap.contains("<BlockSize> " + BLOCK + " </BlockSize>"), bmap);
        List<long[]> ranges = new ArrayList<>();
        Matcher m = Pattern.compile("<Range[^>]*>\\s*(\\d+)(?:-(\\d+))?\\s*</Range>").matcher(bmap);
        while (m.find()) {
            long first = Long.parseLong(m.group(1));
            ranges.add(new long[] {first, m.group(2) == null ? first : Long.parseLong(m.group(2))});
        }
        assertFalse(ranges.isEmpty(), bmap);
        return ranges;
    }

    private static HttpResponse<byte[]> deployment(String path) throws Exception {
        return Server.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + DEPLOYMENT_PORT + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
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
