package io.rpideploy.installer.download;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ZstdDecoderTest {

    private static byte[] data(int size, long seed) {
        byte[] d = new byte[size];
        Random r = new Random(seed);
        for (int i = 0; i < d.length; i++) {
            d[i] = (byte) ("abcdefgh".charAt(r.nextInt(8)) + (i % 4096 < 700 ? 0 : 1));
        }
        Arrays.fill(d, size / 3, Math.min(size, size / 3 + 100_000), (byte) 0);
        return d;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** Small prefetch chunks, so that frames and output buffers straddle chunk boundaries. */
    private static ZstdDecoder decoder(byte[] compressed) {
        return new ZstdDecoder(new PrefetchStream(new ByteArrayInputStream(compressed), 7777, 3));
    }

    @Test
    void decodesConcatenatedFramesStraightIntoADirectBuffer() throws IOException {
        byte[] a = data(3_000_000, 1);
        byte[] b = data(1_234_567, 2);
        byte[] compressed = concat(Zstd.compress(a, 3), Zstd.compress(b, 19));
        ByteBuffer out = ByteBuffer.allocateDirect(a.length + b.length + 10);
        try (ZstdDecoder z = decoder(compressed)) {
            // odd-sized reads, like the writer's bmap ranges
            while (true) {
                out.limit(Math.min(out.capacity(), out.position() + 65_537));
                if (z.read(out) < 0) {
                    break;
                }
            }
            assertEquals(-1, z.read(ByteBuffer.allocateDirect(10)));
        }
        assertEquals(a.length + b.length, out.position());
        byte[] got = new byte[out.position()];
        out.flip().get(got);
        assertArrayEquals(concat(a, b), got);
    }

    @Test
    void streamAndSkipViewsDecodeTheSameBytes() throws IOException {
        byte[] a = data(2_000_000, 3);
        try (ZstdDecoder z = decoder(Zstd.compress(a, 3))) {
            byte[] head = z.readNBytes(1000);
            assertArrayEquals(Arrays.copyOf(a, 1000), head);
            z.skipNBytes(1_500_000);
            byte[] rest = z.readAllBytes();
            assertArrayEquals(Arrays.copyOfRange(a, 1_501_000, a.length), rest);
            assertEquals(-1, z.read());
        }
    }

    @Test
    void aStreamThatEndsInsideAFrameIsAnError() throws IOException {
        byte[] compressed = Zstd.compress(data(1_000_000, 4), 3);
        try (ZstdDecoder z = decoder(Arrays.copyOf(compressed, compressed.length - 50))) {
            IOException e = assertThrows(IOException.class, () -> z.skip(Long.MAX_VALUE));
            assertEquals(true, e.getMessage().contains("truncated"), e.getMessage());
        }
    }

    @Test
    void garbageIsAnIOException() throws IOException {
        try (ZstdDecoder z = decoder(data(100_000, 5))) {
            assertThrows(IOException.class, () -> z.read(ByteBuffer.allocateDirect(4096)));
        }
    }

    @Test
    void anEmptySourceIsAnEmptyImage() throws IOException {
        try (ZstdDecoder z = decoder(new byte[0])) {
            assertEquals(-1, z.read(ByteBuffer.allocateDirect(4096)));
        }
    }
}
