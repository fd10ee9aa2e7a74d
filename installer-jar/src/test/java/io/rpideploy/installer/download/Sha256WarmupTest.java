package io.rpideploy.installer.download;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

class Sha256WarmupTest {

    @Test
    void hashesBothUpdatePathsAndEndsOnItsOwn() throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(ByteBuffer.wrap(new byte[2 * Sha256Warmup.ROUNDS * Sha256Warmup.SIZE]));
        assertArrayEquals(md.digest(), Sha256Warmup.run());
        Thread t = Sha256Warmup.start();
        assertTrue(t.isDaemon());
        t.join(30_000);
        assertTrue(!t.isAlive());
    }
}
