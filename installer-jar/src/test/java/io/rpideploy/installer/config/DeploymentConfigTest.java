package io.rpideploy.installer.config;

import io.rpideploy.installer.http.Json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeploymentConfigTest {

    private static final String SUM = "ab".repeat(32);

    private static String answer(String hostname, String url) {
        return "{\"server_ip\":\"192.168.151.1\",\"hostname\":\"" + hostname + "\",\"product_type\":\"KXP2\","
                + "\"venue_code\":\"CORO\",\"image_url\":\"" + url + "\",\"image_size\":1000,\"image_checksum\":\""
                + SUM + "\",\"version\":\"1.2\",\"timestamp\":\"x\",\"deployment_id\":5,"
                + "\"image_uncompressed_size\":null,\"image_uncompressed_checksum\":null}";
    }

    @Test
    void acceptsThePlansAnswer() {
        DeploymentConfig c = DeploymentConfig.of(Json.parseObject(answer("KXP2-CORO-001", "http://s:5001/i.img.xz")));
        assertEquals("KXP2-CORO-001", c.hostname(), "the server's name, not lower-cased");
        assertEquals(1000, c.imageSize());
        assertEquals(SUM, c.imageChecksum());
        assertNull(c.imageUncompressedSize());
        assertEquals(5L, c.deploymentId());
        assertTrue(c.compressed());
    }

    @Test
    void refusesHostnamesThatCouldInjectIntoFirstBootFiles() {
        for (String bad : new String[] {"a b", "x;reboot", "-lead", "a\\\"b", "", "a".repeat(64)}) {
            assertThrows(IllegalArgumentException.class,
                    () -> DeploymentConfig.of(Json.parseObject(answer(bad, "http://s/i.img"))), bad);
        }
        assertThrows(IllegalArgumentException.class,
                () -> DeploymentConfig.of(Json.parseObject(answer("ok", "file:///etc/passwd"))));
        assertThrows(IllegalArgumentException.class, () -> DeploymentConfig.of(Json.parseObject(
                answer("ok", "http://s/i.img").replace(SUM, "xyz"))));
    }

    @Test
    void readsSerialAndFirstWiredMac(@TempDir Path dir) throws Exception {
        Path cpuinfo = dir.resolve("cpuinfo");
        Files.writeString(cpuinfo, "processor : 0\nSerial\t\t: 10000000ABCDEF01\n");
        Files.createDirectories(dir.resolve("net/lo"));
        Files.createDirectories(dir.resolve("net/wlan0"));
        Files.createDirectories(dir.resolve("net/end0"));
        Files.writeString(dir.resolve("net/lo/address"), "00:00:00:00:00:00\n");
        Files.writeString(dir.resolve("net/wlan0/address"), "2c:cf:67:00:00:09\n");
        Files.writeString(dir.resolve("net/end0/address"), "2C:CF:67:00:00:01\n");
        BoardIdentity id = BoardIdentity.read(cpuinfo, dir.resolve("none"), dir.resolve("net"));
        assertEquals("10000000abcdef01", id.serial());
        assertEquals("2c:cf:67:00:00:01", id.mac());
        Path dt = dir.resolve("serial-number");
        Files.write(dt, "1a2b3c4d\0".getBytes());
        assertEquals("1a2b3c4d", BoardIdentity.read(dir.resolve("missing"), dt, dir.resolve("nonet")).serial());
    }
}
