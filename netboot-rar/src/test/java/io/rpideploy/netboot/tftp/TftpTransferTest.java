package io.rpideploy.netboot.tftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rpideploy.netboot.api.TftpTransferReport.Outcome;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transfer state machine driven packet by packet, with the time passed in: no sockets, no sleeps. */
class TftpTransferTest {

    /** Records what the transfer sends; can pretend the socket buffer is full. */
    static final class Wire implements TftpTransfer.Link {
        final ByteBuffer buffer = ByteBuffer.allocate(65536);
        final List<TftpPacket> sent = new ArrayList<>();
        final List<byte[]> payloads = new ArrayList<>();
        int acceptBeforeFull = Integer.MAX_VALUE;

        @Override
        public ByteBuffer buffer() {
            return buffer;
        }

        @Override
        public boolean send(ByteBuffer packet) {
            if (acceptBeforeFull-- <= 0) {
                return false;
            }
            ByteBuffer copy = packet.duplicate();
            try {
                TftpPacket decoded = TftpPacket.decode(copy.duplicate());
                sent.add(decoded);
                if (decoded instanceof TftpPacket.Data) {
                    byte[] payload = new byte[copy.remaining() - 4];
                    copy.position(copy.position() + 4).get(payload);
                    payloads.add(payload);
                }
            } catch (MalformedPacketException e) {
                throw new AssertionError(e);
            }
            return true;
        }

        List<TftpPacket> take() {
            List<TftpPacket> copy = List.copyOf(sent);
            sent.clear();
            return copy;
        }
    }

    private static TftpOptions options(int blksize, int window, boolean oack) {
        Map<String, String> ack = new LinkedHashMap<>();
        if (oack) {
            ack.put("blksize", Integer.toString(blksize));
        }
        return new TftpOptions(blksize, window, Duration.ofSeconds(1), ack);
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static TftpTransfer transfer(byte[] content, TftpOptions options, int retries) {
        return new TftpTransfer(TftpTransfer.Content.of(content), options, retries);
    }

    @Test
    void stopAndWaitWithoutOptionsEndsWithShortBlock() throws Exception {
        byte[] content = random(1300);
        Wire wire = new Wire();
        TftpTransfer t = transfer(content, options(512, 1, false), 3);
        t.start(0, wire);
        assertEquals(List.of(new TftpPacket.Data(1, 512)), wire.take());
        t.onPacket(new TftpPacket.Ack(1), 1, wire);
        assertEquals(List.of(new TftpPacket.Data(2, 512)), wire.take());
        t.onPacket(new TftpPacket.Ack(2), 2, wire);
        assertEquals(List.of(new TftpPacket.Data(3, 276)), wire.take());
        assertFalse(t.done());
        t.onPacket(new TftpPacket.Ack(3), 3, wire);
        assertEquals(Outcome.COMPLETED, t.outcome());
        assertEquals(1300, t.bytesAcknowledged());
        assertArrayEquals(content, concat(wire.payloads));
    }

    @Test
    void exactMultipleOfBlockSizeEndsWithEmptyBlock() throws Exception {
        Wire wire = new Wire();
        TftpTransfer t = transfer(random(1024), options(512, 1, false), 3);
        t.start(0, wire);
        t.onPacket(new TftpPacket.Ack(1), 0, wire);
        t.onPacket(new TftpPacket.Ack(2), 0, wire);
        assertEquals(new TftpPacket.Data(3, 0), wire.sent.get(wire.sent.size() - 1));
        assertFalse(t.done());
        t.onPacket(new TftpPacket.Ack(3), 0, wire);
        assertEquals(Outcome.COMPLETED, t.outcome());
    }

    @Test
    void optionAckIsAcknowledgedWithBlockZero() throws Exception {
        Wire wire = new Wire();
        TftpTransfer t = transfer(random(2000), options(1468, 1, true), 3);
        t.start(0, wire);
        assertEquals(List.of(new TftpPacket.OptionAck(Map.of("blksize", "1468"))), wire.take());
        t.onPacket(new TftpPacket.Ack(5), 0, wire);
        assertTrue(wire.take().isEmpty(), "only ACK 0 answers an OACK");
        t.onPacket(new TftpPacket.Ack(0), 0, wire);
        assertEquals(List.of(new TftpPacket.Data(1, 1468)), wire.take());
        t.onPacket(new TftpPacket.Ack(1), 0, wire);
        assertEquals(List.of(new TftpPacket.Data(2, 532)), wire.take());
    }

    @Test
    void blockNumberRollsOverToZero() throws Exception {
        int blocks = 70_000;
        byte[] content = random(blocks * 8 + 3);
        Wire wire = new Wire();
        TftpTransfer t = transfer(content, options(8, 1, false), 3);
        t.start(0, wire);
        for (long block = 1; block <= blocks + 1; block++) {
            TftpPacket.Data data = (TftpPacket.Data) wire.sent.get(wire.sent.size() - 1);
            assertEquals((int) (block & 0xFFFF), data.block(), "block " + block);
            wire.sent.clear();
            t.onPacket(new TftpPacket.Ack((int) (block & 0xFFFF)), 0, wire);
        }
        assertEquals(Outcome.COMPLETED, t.outcome());
        assertEquals(content.length, t.bytesAcknowledged());
        assertArrayEquals(content, concat(wire.payloads));
    }

    @Test
    void duplicateAckIsIgnored() throws Exception {
        Wire wire = new Wire();
        TftpTransfer t = transfer(random(5000), options(512, 1, false), 3);
        t.start(0, wire);
        assertEquals(List.of(new TftpPacket.Data(1, 512)), wire.take());
        t.onPacket(new TftpPacket.Ack(1), 0, wire);
        assertEquals(List.of(new TftpPacket.Data(2, 512)), wire.take());
        t.onPacket(new TftpPacket.Ack(1), 0, wire);
        assertTrue(wire.take().isEmpty(), "RFC 1123 4.2.3.1: no retransmission on a duplicate ACK");
        t.onPacket(new TftpPacket.Ack(7), 0, wire);
        assertTrue(wire.take().isEmpty(), "an ACK for a block not sent is ignored");
        t.onPacket(new TftpPacket.Ack(2), 0, wire);
        assertEquals(List.of(new TftpPacket.Data(3, 512)), wire.take());
    }

    @Test
    void windowRestartsAfterTheAcknowledgedBlock() throws Exception {
        Wire wire = new Wire();
        TftpTransfer t = transfer(random(512 * 9 + 100), options(512, 4, true), 3);
        t.start(0, wire);
        wire.take();
        t.onPacket(new TftpPacket.Ack(0), 0, wire);
        assertEquals(blocks(1, 2, 3, 4), dataBlocks(wire.take()));
        // RFC 7440 section 4: blocks 3 and 4 were lost, the client acknowledges 2
        t.onPacket(new TftpPacket.Ack(2), 0, wire);
        assertEquals(blocks(3, 4, 5, 6), dataBlocks(wire.take()));
        t.onPacket(new TftpPacket.Ack(6), 0, wire);
        assertEquals(blocks(7, 8, 9, 10), dataBlocks(wire.take()));
        t.onPacket(new TftpPacket.Ack(10), 0, wire);
        assertEquals(Outcome.COMPLETED, t.outcome());
        assertEquals(512 * 9 + 100, t.bytesAcknowledged());
        assertEquals(4, t.windowSize());
    }

    @Test
    void retransmitsOnTimeoutThenFails() throws Exception {
        Wire wire = new Wire();
        TftpTransfer t = transfer(random(3000), options(512, 1, false), 2);
        t.start(0, wire);
        t.onPacket(new TftpPacket.Ack(1), 100, wire);
        assertEquals(List.of(new TftpPacket.Data(1, 512), new TftpPacket.Data(2, 512)), wire.take());
        assertEquals(1100, t.deadline());
        t.onTimeout(1099, wire);
        assertTrue(wire.take().isEmpty(), "not yet");
        t.onTimeout(1100, wire);
        assertEquals(List.of(new TftpPacket.Data(2, 512)), wire.take());
        t.onTimeout(2100, wire);
        assertEquals(List.of(new TftpPacket.Data(2, 512)), wire.take());
        assertNull(t.outcome());
        t.onTimeout(3100, wire);
        assertTrue(wire.take().isEmpty());
        assertEquals(Outcome.FAILED, t.outcome());
        assertTrue(t.detail().contains("timed out"), t.detail());
        assertEquals(512, t.bytesAcknowledged());
    }

    @Test
    void progressResetsTheRetryBudget() throws Exception {
        Wire wire = new Wire();
        TftpTransfer t = transfer(random(3000), options(512, 1, false), 1);
        t.start(0, wire);
        t.onTimeout(1000, wire);
        t.onPacket(new TftpPacket.Ack(1), 1500, wire);
        t.onTimeout(2500, wire);
        assertNull(t.outcome(), "one retry per block, not per transfer");
        t.onTimeout(3500, wire);
        assertEquals(Outcome.FAILED, t.outcome());
    }

    @Test
    void clientErrorAbortsQuietly() throws Exception {
        Wire wire = new Wire();
        TftpTransfer t = transfer(random(3000), options(1468, 1, true), 3);
        t.start(0, wire);
        wire.take();
        t.onPacket(new TftpPacket.Error(0, "Early terminate"), 0, wire);
        assertEquals(Outcome.ABORTED, t.outcome());
        assertTrue(wire.take().isEmpty(), "an ERROR is never answered");
        t.onPacket(new TftpPacket.Ack(0), 0, wire);
        t.onTimeout(10_000, wire);
        assertTrue(wire.take().isEmpty());
    }

    @Test
    void fullSendBufferPausesTheWindowUntilWritable() throws Exception {
        Wire wire = new Wire();
        TftpTransfer t = transfer(random(512 * 8), options(512, 8, true), 3);
        t.start(0, wire);
        wire.take();
        wire.acceptBeforeFull = 3;
        t.onPacket(new TftpPacket.Ack(0), 0, wire);
        assertEquals(blocks(1, 2, 3), dataBlocks(wire.take()));
        assertTrue(t.blocked());
        wire.acceptBeforeFull = Integer.MAX_VALUE;
        t.onWritable(0, wire);
        assertEquals(blocks(4, 5, 6, 7, 8), dataBlocks(wire.take()));
        assertFalse(t.blocked());
    }

    @Test
    void fileContentReadsAnyPositionThroughItsReadAhead(@TempDir Path dir) throws Exception {
        byte[] bytes = random(200_000);
        Path file = Files.write(dir.resolve("f.bin"), bytes);
        try (TftpTransfer.Content content = TftpTransfer.Content.open(file)) {
            assertEquals(200_000, content.size());
            // forward, backward (a window restart), across the read-ahead edge, past the end, bigger than it
            long[] positions = {0, 512, 65_000, 1024, 131_000, 199_900, 199_999, 200_000, 70_000};
            int[] lengths = {512, 512, 1468, 512, 8192, 100, 1, 0, 65_464};
            for (int i = 0; i < positions.length; i++) {
                ByteBuffer dst = ByteBuffer.allocate(lengths[i]);
                content.read(dst, positions[i]);
                int expected = (int) Math.min(lengths[i], bytes.length - positions[i]);
                assertEquals(expected, dst.position(), "length at " + positions[i]);
                assertArrayEquals(Arrays.copyOfRange(bytes, (int) positions[i],
                        (int) positions[i] + expected), Arrays.copyOf(dst.array(), expected),
                        "bytes at " + positions[i]);
            }
        }
    }

    @Test
    void aSmallFileIsReadWholeAndClosedAtOnce(@TempDir Path dir) throws Exception {
        for (int size : new int[] {0, 1, 4096, TftpTransfer.SMALL, TftpTransfer.SMALL + 1}) {
            byte[] bytes = random(size);
            Path file = Files.write(dir.resolve("s" + size + ".bin"), bytes);
            try (TftpTransfer.Content content = TftpTransfer.Content.open(file)) {
                assertEquals(size, content.size());
                assertEquals(size <= TftpTransfer.SMALL, !openHere(file),
                        size + " bytes: the file is " + (size <= TftpTransfer.SMALL ? "closed" : "kept open"));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (long position = 0; position <= size; position += 1468) {
                    ByteBuffer dst = ByteBuffer.allocate(1468);
                    content.read(dst, position);
                    out.write(dst.array(), 0, dst.position());
                }
                assertArrayEquals(bytes, out.toByteArray(), size + " bytes");
            }
            assertFalse(openHere(file), "closed after the transfer");
        }
    }

    /** Whether this process holds a descriptor for {@code file} (Linux). */
    private static boolean openHere(Path file) throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc/self/fd (Linux)");
        Path real = file.toRealPath();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(real);
                } catch (Exception gone) {
                    return false;
                }
            });
        }
    }

    private static List<Integer> blocks(int... numbers) {
        List<Integer> list = new ArrayList<>();
        for (int n : numbers) {
            list.add(n);
        }
        return list;
    }

    private static List<Integer> dataBlocks(List<TftpPacket> packets) {
        List<Integer> list = new ArrayList<>();
        for (TftpPacket p : packets) {
            list.add(((TftpPacket.Data) p).block());
        }
        return list;
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
