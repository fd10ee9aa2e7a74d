package io.rpideploy.installer.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.installer.report.ExitCode;
import io.rpideploy.installer.report.InstallException;
import io.rpideploy.installer.write.ImageWriter;
import io.rpideploy.installer.write.TargetDevice;
import io.rpideploy.installer.write.WriteResult;
import java.io.ByteArrayInputStream;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer and the verifier on a plain file: a byte changed on the target after writing is found. */
class VerifierTest {

    @TempDir
    Path dir;

    @Test
    void fullAndSampledVerificationFindAChangedByte() throws Exception {
        byte[] image = new byte[(18 << 20) + 1234];
        new Random(3).nextBytes(image);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image));
        TargetDevice target = TargetDevice.inspect(dir.resolve("t.img"), null);
        WriteResult w = new ImageWriter(target, 2, 0, true, true).write(new ByteArrayInputStream(image), null,
                null, (offset, written) -> { });
        assertEquals(sha, w.imageSha256());
        assertEquals(image.length, w.imageSize());
        assertEquals(ImageWriter.HOLD, w.heldBack().length);
        assertEquals(5, w.chunkCrcs().length);
        Verifier v = new Verifier(target, (done, total) -> { });
        assertTrue(v.verify(Verifier.Mode.FULL, w, null, sha).contains("matches"));
        assertTrue(v.verify(Verifier.Mode.SAMPLE, w, null, null).contains("5 of 5 chunks"));
        try (RandomAccessFile r = new RandomAccessFile(dir.resolve("t.img").toFile(), "rw")) {
            r.seek(image.length - 10);
            r.write(image[image.length - 10] ^ 1);
        }
        InstallException full = assertThrows(InstallException.class, () -> v.verify(Verifier.Mode.FULL, w, null, sha));
        assertEquals(ExitCode.VERIFY_FAILED, full.exitCode());
        InstallException sample = assertThrows(InstallException.class,
                () -> v.verify(Verifier.Mode.SAMPLE, w, null, null));
        assertTrue(sample.getMessage().contains("chunk 4"), sample.getMessage());
    }
}
