package io.rpideploy.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a Pi 5's bootloader asks, in its order, against the distribution: the DHCP signature of a Pi 5 with option 97
 * in both forms, then {@code <serial>/config.txt} (probed, then read twice), a probe that must be a fast "file not
 * found", the device tree, the overlay map, {@code cmdline.txt}, and the kernel and initramfs {@code config.txt}
 * names, at blksize 1468 without windowsize; then the installer environment's HTTP stage with the checksums the
 * command line carries, and the installer's {@code starting} report. Every file {@code config.txt} names must exist
 * and stay within the blocks an old bootloader can read.
 */
class Pi5SequenceIT {

    @Test
    void aPi5BootsTheInstallerEnvironmentWithEitherGuidForm() throws Exception {
        assumeTrue(BootLab.available(), "needs root and iproute2 for a network namespace");
        Path dist = Path.of(System.getProperty("rpideploy.dist"));
        Path home = Path.of(System.getProperty("rpideploy.it.home")).resolveSibling("pi5-sequence-home");
        BootLab.freshDir(home);
        BootLab.layOut(home, dist.resolve("installer-env/installer.jar"));
        try (BootLab lab = new BootLab("pi5seq", 12, home)) {
            Server server = lab.start(dist, 25120, 25121, Map.of(), home.resolve("server.log"));
            server.awaitHealthy(Duration.ofMinutes(4));
            assertEquals(201, server.post("/api/venues", "{\"code\":\"CORO\",\"name\":\"Coronado\"}").statusCode());
            assertEquals(200, server.post("/api/kart-numbers", "{\"venue_code\":\"CORO\",\"numbers\":\"1-20\"}")
                    .statusCode());
            for (String form : List.of("fourcc", "repeated")) {
                long serial = form.equals("fourcc") ? 0x1a2b3c00L : 0x5e5e5e00L;
                List<String> lines = lab.boot(1, serial, form, true, Duration.ofMinutes(3));
                assertEquals(1, lines.size(), "one board's report: " + lines);
                JsonObject board = Json.createReader(new StringReader(lines.get(0))).readObject();
                assertTrue(!board.containsKey("error"), form + ": " + board);
                assertEquals(List.of(), board.getJsonArray("problems").getValuesAs(jakarta.json.JsonString::getString),
                        form + ": " + board);
                assertEquals(Files.size(home.resolve("boot-env/KXP2/kernel_2712.img")),
                        board.getJsonNumber("kernel_bytes").longValue(), "config.txt names the Pi 5 kernel");
                assertEquals(Files.size(home.resolve("boot-env/KXP2/initramfs-installer.cpio.gz")),
                        board.getJsonNumber("initramfs_bytes").longValue());
                assertTrue(board.getInt("largest_blocks") <= Pi5Board.MAX_BLOCKS, board.toString());
                // a missing file is answered at once, not after the bootloader's retries
                assertTrue(board.getInt("not_found_ms") < 1000, board.toString());
            }
            // a client that asks for an h2c upgrade (Java's HttpClient does by default) gets the right bytes too: the
            // sendfile path is for HTTP/1.x only
            java.net.http.HttpResponse<byte[]> h2c = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + lab.hostIp
                            + ":25121/boot/installer-env/runtime-arm64.tar.gz")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, h2c.statusCode());
            assertTrue(java.util.Arrays.equals(Files.readAllBytes(home.resolve("installer-env/runtime-arm64.tar.gz")),
                    h2c.body()), "the runtime byte for byte over HTTP/2 after an upgrade");
            // the server knew each board from its first DHCP message, with the serial from option 97
            String events = server.get("/api/netboot/events?limit=1000", true).body();
            assertTrue(events.contains("1a2b3c00"), "the FourCC form's serial recorded");
            assertTrue(events.contains("5e5e5e00"), "the older form's serial recorded");
        }
    }
}
