package io.rpideploy.images.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import io.rpideploy.images.entity.ImageFormat;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

class ImageDigesterTest {

    private static final byte[] RAW = raw();

    private static byte[] raw() {
        byte[] data = new byte[1_500_000];
        new Random(42).nextBytes(data);
        java.util.Arrays.fill(data, 100_000, 900_000, (byte) 0); // images are mostly empty space
        return data;
    }

    private static String sha(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    private static void check(byte[] served, ImageFormat format) throws Exception {
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        ImageDigester.Digests d = ImageDigester.digest(new ByteArrayInputStream(served), copy, format);
        assertArrayEquals(served, copy.toByteArray());
        assertEquals(served.length, d.size());
        assertEquals(sha(served), d.checksum());
        assertEquals(RAW.length, d.uncompressedSize());
        assertEquals(sha(RAW), d.uncompressedChecksum());
    }

    @Test
    void rawAndCompressedImagesGetBothDigests() throws Exception {
        check(RAW, ImageFormat.IMG);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(RAW);
        }
        check(gz.toByteArray(), ImageFormat.GZ);
        ByteArrayOutputStream xz = new ByteArrayOutputStream();
        try (XZOutputStream out = new XZOutputStream(xz, new LZMA2Options(1))) {
            out.write(RAW);
        }
        check(xz.toByteArray(), ImageFormat.XZ);
        check(Zstd.compress(RAW), ImageFormat.ZST);
    }

    @Test
    void corruptCompressedDataIsAnInvalidImage() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(RAW);
        }
        byte[] broken = gz.toByteArray();
        broken[broken.length / 2] ^= 0x55;
        broken[broken.length / 2 + 1] ^= 0x55;
        assertThrows(ImageDigester.InvalidImage.class,
                () -> ImageDigester.digest(new ByteArrayInputStream(broken), null, ImageFormat.GZ));
        assertThrows(ImageDigester.InvalidImage.class,
                () -> ImageDigester.digest(new ByteArrayInputStream(RAW), null, ImageFormat.XZ));
    }

    @Test
    void aFailingSourceIsATransferFailureNotAnInvalidImage() throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(RAW);
        }
        byte[] valid = gz.toByteArray();
        InputStream dying = new InputStream() {
            private int next;

            @Override
            public int read() throws IOException {
                if (next >= valid.length / 2) {
                    throw new IOException("connection reset");
                }
                return valid[next++] & 0xff;
            }
        };
        ImageDigester.TransferFailed failed = assertThrows(ImageDigester.TransferFailed.class,
                () -> ImageDigester.digest(dying, null, ImageFormat.GZ));
        assertTrue(failed.source());
    }

    @Test
    void rawImagesNeedNoDecompressor() throws Exception {
        ImageDigester.Digests d = ImageDigester.digest(new ByteArrayInputStream(new byte[0]), null, ImageFormat.IMG);
        assertEquals(0, d.size());
        assertEquals(d.checksum(), d.uncompressedChecksum());
        assertEquals(0L, d.uncompressedSize());
    }
}
