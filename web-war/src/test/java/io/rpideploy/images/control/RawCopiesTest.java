package io.rpideploy.images.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.images.entity.ImageFormat;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

class RawCopiesTest {

    @TempDir
    Path dir;

    /** 1 MiB of zeros, 300 000 random bytes, 2 MiB of zeros, 1 000 random bytes, 1 MiB of zeros. */
    private static byte[] image() {
        byte[] raw = new byte[(1 << 20) + 300_000 + (2 << 20) + 1000 + (1 << 20)];
        Random random = new Random(7);
        byte[] a = new byte[300_000];
        random.nextBytes(a);
        System.arraycopy(a, 0, raw, 1 << 20, a.length);
        byte[] b = new byte[1000];
        random.nextBytes(b);
        System.arraycopy(b, 0, raw, (1 << 20) + 300_000 + (2 << 20), b.length);
        return raw;
    }

    private static String sha(byte[] data) {
        return HexFormat.of().formatHex(ImageDigester.sha256().digest(data));
    }

    @Test
    void anXzImageIsDecompressedToTheRegisteredBytesWithZeroBlocksAsHoles() throws Exception {
        byte[] raw = image();
        ByteArrayOutputStream xz = new ByteArrayOutputStream();
        try (XZOutputStream out = new XZOutputStream(xz, new LZMA2Options(1))) {
            out.write(raw);
        }
        Path target = dir.resolve("copy");
        RawCopies.write(new ByteArrayInputStream(xz.toByteArray()), ImageFormat.XZ, target, raw.length, sha(raw));
        assertArrayEquals(raw, Files.readAllBytes(target));
        Process stat = new ProcessBuilder("stat", "-c", "%b", target.toString()).start(); // 512-byte blocks in use
        long allocated = Long.parseLong(new String(stat.getInputStream().readAllBytes()).strip()) * 512;
        assertTrue(allocated < raw.length / 2, "holes where the image is zero: " + allocated + " bytes on disk");
    }

    @Test
    void aCopyThatDoesNotMatchTheRegisteredDigestIsRefused() throws Exception {
        byte[] raw = image();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(raw);
        }
        Path target = dir.resolve("copy");
        ImageDigester.InvalidImage e = assertThrows(ImageDigester.InvalidImage.class, () -> RawCopies.write(
                new ByteArrayInputStream(gz.toByteArray()), ImageFormat.GZ, target, raw.length, sha(new byte[1])));
        assertTrue(e.getMessage().contains("registered"), e.getMessage());
    }

    @Test
    void onlyAClientNamingTheFormatGetsItAsStored() {
        assertFalse(ImageFormat.XZ.servedAsStoredTo(null), "the plan's installer sends no such header");
        assertFalse(ImageFormat.XZ.servedAsStoredTo("gz, zst"));
        assertTrue(ImageFormat.XZ.servedAsStoredTo("gz, XZ , zst"));
        assertTrue(ImageFormat.IMG.servedAsStoredTo(null));
        assertEquals("kxp2-v1.img", ImageFormat.ZST.rawName("kxp2-v1.img.zst"));
    }
}
