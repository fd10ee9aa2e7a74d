package io.rpideploy.netboot.tftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TftpOptionsTest {

    private static final TftpSettings DEFAULTS = TftpSettings.defaults(new InetSocketAddress(0), Path.of("/srv"));

    private static Map<String, String> options(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    @Test
    void piRequestGetsBlockSizeAndRealSize() {
        TftpOptions o = TftpOptions.negotiate(options("tsize", "0", "blksize", "1468"), DEFAULTS, 123_456);
        assertEquals(1468, o.blockSize());
        assertEquals(1, o.windowSize());
        assertEquals(Duration.ofSeconds(1), o.timeout());
        assertEquals(options("tsize", "123456", "blksize", "1468"), o.optionAck());
        assertEquals(List.of("tsize", "blksize"), List.copyOf(o.optionAck().keySet()), "request order kept");
    }

    @Test
    void blockSizeIsCappedAndValidated() {
        TftpSettings small = new TftpSettings(new InetSocketAddress(0), Path.of("/srv"), Duration.ofSeconds(1), 5,
                1468, 8, 10);
        assertEquals(1468, TftpOptions.negotiate(options("blksize", "9000"), small, 0).blockSize());
        assertEquals("1468", TftpOptions.negotiate(options("blksize", "9000"), small, 0).optionAck().get("blksize"));
        assertEquals(65464, TftpOptions.negotiate(options("blksize", "70000"), DEFAULTS, 0).blockSize());
        assertEquals(8, TftpOptions.negotiate(options("blksize", "8"), DEFAULTS, 0).blockSize());
        for (String bad : List.of("7", "0", "-1", "abc", "", "99999999999999999999")) {
            TftpOptions o = TftpOptions.negotiate(options("blksize", bad), DEFAULTS, 0);
            assertEquals(512, o.blockSize(), bad);
            assertTrue(o.optionAck().isEmpty(), bad);
        }
    }

    @Test
    void timeoutAndWindowSize() {
        TftpSettings settings = new TftpSettings(new InetSocketAddress(0), Path.of("/srv"), Duration.ofSeconds(2), 5,
                65464, 16, 10);
        TftpOptions o = TftpOptions.negotiate(options("timeout", "6", "windowsize", "64"), settings, 0);
        assertEquals(Duration.ofSeconds(6), o.timeout());
        assertEquals(16, o.windowSize(), "capped by maxWindowSize");
        assertEquals(options("timeout", "6", "windowsize", "16"), o.optionAck());
        TftpOptions bad = TftpOptions.negotiate(options("timeout", "0", "windowsize", "0"), settings, 0);
        assertEquals(Duration.ofSeconds(2), bad.timeout());
        assertEquals(1, bad.windowSize());
        assertTrue(bad.optionAck().isEmpty());
        assertTrue(TftpOptions.negotiate(options("timeout", "256"), settings, 0).optionAck().isEmpty());
    }

    @Test
    void onlyUnknownOptionsMeansNoOack() {
        TftpOptions o = TftpOptions.negotiate(options("multicast", "", "rollover", "0"), DEFAULTS, 10);
        assertTrue(o.optionAck().isEmpty());
        assertEquals(512, o.blockSize());
    }
}
