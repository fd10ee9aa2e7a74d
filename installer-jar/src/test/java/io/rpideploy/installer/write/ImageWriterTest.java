package io.rpideploy.installer.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer's O_DIRECT / page-cache split and its direct-buffer source path, on plain files. */
class ImageWriterTest {

    @TempDir
    Path dir;

    /** An image stream that can fill the writer's direct buffers itself; counts which read path was used. */
    static final class ChannelSource extends ByteArrayInputStream implements ReadableByteChannel {
        int channelReads;
        int arrayReads;

        ChannelSource(byte[] data) {
            super(data);
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            arrayReads++;
            return super.read(b, off, len);
        }

        @Override
        public synchronized int read(ByteBuffer dst) {
            channelReads++;
            if (pos >= count) {
                return -1;
            }
            // short reads, like a socket
            int n = Math.min(Math.min(dst.remaining(), count - pos), 100_000);
            dst.put(buf, pos, n);
            pos += n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }
    }

    private static byte[] image(int size) {
        byte[] image = new byte[size];
        new Random(11).nextBytes(image);
        Arrays.fill(image, 3 << 20, 5 << 20, (byte) 0);
        return image;
    }

    private void writesExactly(boolean directIo) throws Exception {
        byte[] image = image((9 << 20) + 1234);
        Path file = dir.resolve("t-" + directIo + ".img");
        Files.write(file, new byte[20 << 20]); // longer and non-zero where the image's first MiB goes: truncated
        Files.write(file, new byte[] {1, 2, 3});
        TargetDevice target = TargetDevice.inspect(file, null);
        ChannelSource source = new ChannelSource(image);
        WriteResult w = new ImageWriter(target, 2, 0, true, false).directIo(directIo)
                .write(source, null, null, (offset, written) -> { });
        assertTrue(source.channelReads > 0);
        assertEquals(0, source.arrayReads, "the direct buffers are filled without the staging array");
        assertEquals(image.length, w.imageSize());
        assertEquals(image.length - ImageWriter.HOLD, w.bytesWritten());
        assertArrayEquals(Arrays.copyOf(image, ImageWriter.HOLD), w.heldBack());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image)), w.imageSha256());
        byte[] onDisk = Files.readAllBytes(file);
        assertEquals(image.length, onDisk.length);
        // the first MiB is zeroed and written last (writeHeldBack), the rest is the image
        assertArrayEquals(new byte[ImageWriter.HOLD], Arrays.copyOf(onDisk, ImageWriter.HOLD));
        assertArrayEquals(Arrays.copyOfRange(image, ImageWriter.HOLD, image.length),
                Arrays.copyOfRange(onDisk, ImageWriter.HOLD, onDisk.length));
    }

    @Test
    void writesAnUnalignedImageExactlyWithODirect() throws Exception {
        writesExactly(true);
    }

    @Test
    void writesAnUnalignedImageExactlyThroughThePageCache() throws Exception {
        writesExactly(false);
    }

    @Test
    void aPlainInputStreamStillGoesThroughTheStagingArray() throws Exception {
        byte[] image = image((5 << 20) + 7);
        Path file = dir.resolve("s.img");
        WriteResult w = new ImageWriter(TargetDevice.inspect(file, null), 2, 0, false, true)
                .write(new ByteArrayInputStream(image), null, null, (offset, written) -> { });
        assertEquals(image.length, w.imageSize());
        assertEquals(2, w.chunkCrcs().length);
        assertArrayEquals(Arrays.copyOfRange(image, ImageWriter.HOLD, image.length),
                Arrays.copyOfRange(Files.readAllBytes(file), ImageWriter.HOLD, image.length));
    }

    @Test
    void directWriterSendsTheAlignedPartDirectAndTheRestThroughThePageCache() throws IOException {
        Path file = dir.resolve("d.img");
        Files.write(file, new byte[0]);
        byte[] data = new byte[3 * 4096 + 100];
        new Random(5).nextBytes(data);
        ByteBuffer aligned = ByteBuffer.allocateDirect(data.length + 3 * 4096).alignedSlice(4096);
        aligned.put(data).flip();
        ByteBuffer misplaced = ByteBuffer.allocateDirect(600).put(new byte[1]).slice().put(data, 0, 512).flip();
        try (FileChannel buffered = FileChannel.open(file, StandardOpenOption.WRITE);
             ImageWriter.DirectWriter w = new ImageWriter.DirectWriter(buffered,
                     FileChannel.open(file, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT))) {
            w.write(aligned, 8192);
            assertEquals(0, aligned.remaining());
            // unaligned in the file and in memory: page cache
            w.write(ByteBuffer.wrap(data, 0, 10), 3);
            w.write(misplaced, 20 * 4096);
            assertTrue(w.direct(), "O_DIRECT stays on: nothing was refused");
        }
        byte[] onDisk = Files.readAllBytes(file);
        assertEquals(20 * 4096 + 512, onDisk.length);
        assertArrayEquals(data, Arrays.copyOfRange(onDisk, 8192, 8192 + data.length));
        assertArrayEquals(Arrays.copyOf(data, 10), Arrays.copyOfRange(onDisk, 3, 13));
        assertArrayEquals(Arrays.copyOf(data, 512), Arrays.copyOfRange(onDisk, 20 * 4096, 20 * 4096 + 512));
    }
}
