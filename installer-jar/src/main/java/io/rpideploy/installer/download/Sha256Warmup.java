package io.rpideploy.installer.download;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Gets the JIT to compile SHA-256 (the SHA-NI / ARMv8 intrinsic, C2 only) before the download starts. A cold JVM
 * hashes the first tens of MiB in the interpreter and C1 code at a fraction of the intrinsic's speed, on the
 * stage that bounds a raw image's download; hashing a few MiB of zeros on a side thread while the config request
 * is in flight takes that off the critical path. Both update paths are warmed: byte[] (ImageStream) and direct
 * ByteBuffer (the writer's hasher stage).
 */
public final class Sha256Warmup {

    static final int ROUNDS = 48;
    static final int SIZE = 1 << 16;

    private Sha256Warmup() {
    }

    /** Starts the warm-up on a daemon thread and returns it (nothing to wait for). */
    public static Thread start() {
        Thread t = new Thread(Sha256Warmup::run, "sha256-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
        return t;
    }

    /** The hashes of the warm-up (kept so that the JIT cannot drop the work). */
    static byte[] run() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] heap = new byte[SIZE];
            ByteBuffer direct = ByteBuffer.allocateDirect(SIZE);
            for (int i = 0; i < ROUNDS; i++) {
                md.update(heap, 0, SIZE);
                md.update(direct.clear());
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            return new byte[0];
        }
    }
}
