package io.rpideploy.installer.download;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rpideploy.installer.Sh;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.XZInputStream;

class ParallelXzInputStreamTest {

    @TempDir
    Path dir;

    private byte[] data() {
        byte[] data = new byte[9 << 20];
        Random r = new Random(7);
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ("abcdefgh".charAt(r.nextInt(8)) + (i % 4096 == 0 ? 1 : 0));
        }
        return data;
    }

    private byte[] xz(byte[] data, String... options) throws IOException {
        Path raw = dir.resolve("d");
        Files.write(raw, data);
        Sh.bash("xz -c " + String.join(" ", options) + " " + raw + " > " + raw + ".xz");
        return Files.readAllBytes(Path.of(raw + ".xz"));
    }

    @Test
    void multiBlockStreamsAreDecodedInParallelAndExactly() throws IOException {
        byte[] data = data();
        byte[] xz = xz(data, "-T2", "-1", "--block-size=1MiB", "--check=crc64");
        try (InputStream in = ParallelXzInputStream.open(new ByteArrayInputStream(xz), 2, 64L << 20)) {
            assertInstanceOf(ParallelXzInputStream.class, in);
            assertArrayEquals(data, in.readAllBytes());
        }
        byte[] twice = new byte[xz.length * 2 + 8];
        System.arraycopy(xz, 0, twice, 0, xz.length);
        System.arraycopy(xz, 0, twice, xz.length + 8, xz.length);
        byte[] both = new byte[data.length * 2];
        System.arraycopy(data, 0, both, 0, data.length);
        System.arraycopy(data, 0, both, data.length, data.length);
        try (InputStream in = ParallelXzInputStream.open(new ByteArrayInputStream(twice), 3, 64L << 20)) {
            assertArrayEquals(both, in.readAllBytes(), "concatenated streams with padding");
        }
    }

    @Test
    void singleBlockStreamsFallBackToTheSequentialDecoder() throws IOException {
        byte[] data = data();
        byte[] xz = xz(data, "-T1", "-1");
        try (InputStream in = ParallelXzInputStream.open(new ByteArrayInputStream(xz), 2, 64L << 20)) {
            assertInstanceOf(XZInputStream.class, in);
            assertArrayEquals(data, in.readAllBytes());
        }
    }

    @Test
    void aDamagedBlockIsAnError() throws IOException {
        byte[] xz = xz(data(), "-T2", "-1", "--block-size=1MiB", "--check=sha256");
        xz[xz.length / 2] ^= 0x40;
        assertThrows(IOException.class, () -> {
            try (InputStream in = ParallelXzInputStream.open(new ByteArrayInputStream(xz), 2, 64L << 20)) {
                in.readAllBytes();
            }
        });
    }
}
