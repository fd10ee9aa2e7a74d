package io.rpideploy.netboot.tftp;

import io.rpideploy.netboot.api.TftpTransferReport.Outcome;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One read transfer's state machine (the server side of RFC 1350 with RFC 2347/7440), free of sockets and clocks:
 * the caller hands it packets, the time and a {@link Link} to send through, and asks when it wants to be woken.
 * Blocks are counted in a {@code long} and put on the wire modulo 65536, so the block number rolls over to 0.
 */
final class TftpTransfer {

    /** Where a transfer's packets go. */
    interface Link {
        /** A scratch buffer of at least blksize + 4 bytes, reused between sends. */
        ByteBuffer buffer();

        /** @return false when the packet could not be sent now (socket buffer full): retry when writable */
        boolean send(ByteBuffer packet) throws IOException;
    }

    /** The bytes being served, read at a position (no shared file pointer). */
    interface Content extends AutoCloseable {
        int READ_AHEAD = 64 * 1024;

        long size();

        /** Fills {@code dst} from {@code position} until it is full or the content ends. */
        void read(ByteBuffer dst, long position) throws IOException;

        @Override
        void close();

        static Content of(byte[] bytes) {
            return new Content() {
                @Override
                public long size() {
                    return bytes.length;
                }

                @Override
                public void read(ByteBuffer dst, long position) {
                    int n = (int) Math.min(dst.remaining(), bytes.length - position);
                    dst.put(bytes, (int) position, Math.max(0, n));
                }

                @Override
                public void close() {
                }
            };
        }

        /**
         * A file, opened without following a link in its last component (the engine passes the real path it
         * checked). Up to {@link #SMALL} bytes it is read whole and closed at once; a larger one is read through a
         * read-ahead buffer of up to 64 KiB: one {@code pread} per 128 blocks of 512 bytes instead of one per block
         * (the loop's cost per block is mostly system calls).
         */
        static Content open(Path file) throws IOException {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            long size;
            try {
                size = channel.size();
                if (size <= SMALL) {
                    return small(channel, (int) size);
                }
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            ByteBuffer ahead = ByteBuffer.allocateDirect((int) Math.max(1, Math.min(READ_AHEAD, size)));
            return new Content() {
                private long aheadStart = -1;
                private int aheadLength;

                @Override
                public long size() {
                    return size;
                }

                @Override
                public void read(ByteBuffer dst, long position) throws IOException {
                    int want = dst.remaining();
                    if (want > ahead.capacity()) {
                        fill(dst, position);
                        return;
                    }
                    if (aheadStart < 0 || position < aheadStart || position + want > aheadStart + aheadLength) {
                        ahead.clear();
                        fill(ahead, position);
                        aheadStart = position;
                        aheadLength = ahead.position();
                    }
                    int offset = (int) (position - aheadStart);
                    int n = Math.max(0, Math.min(want, aheadLength - offset));
                    ahead.limit(offset + n).position(offset);
                    dst.put(ahead);
                }

                private void fill(ByteBuffer dst, long position) throws IOException {
                    long at = position;
                    while (dst.hasRemaining()) {
                        int n = channel.read(dst, at);
                        if (n < 0) {
                            return;
                        }
                        at += n;
                    }
                }

                @Override
                public void close() {
                    try {
                        channel.close();
                    } catch (IOException e) {
                        // nothing left to do with a read-only file
                    }
                }
            };
        }
    }

    /**
     * A file of at most this many bytes is read whole when its transfer starts and closed at once: one read, and
     * no read-ahead buffer (a direct buffer, freed only by the collector) for a transfer of a few blocks.
     */
    static final int SMALL = 16 * 1024;

    /** The whole file in one read; a file that shrank meanwhile is served as far as it was read. */
    private static Content small(FileChannel channel, int size) throws IOException {
        try (channel) {
            return Content.of(readUpTo(channel, size));
        }
    }

    /** Up to {@code limit} bytes from the start of {@code channel}: fewer when the file ends first. */
    static byte[] readUpTo(FileChannel channel, int limit) throws IOException {
        byte[] bytes = new byte[limit];
        ByteBuffer dst = ByteBuffer.wrap(bytes);
        while (dst.hasRemaining() && channel.read(dst, dst.position()) >= 0) {
            // until full or the end of the file
        }
        return dst.position() == limit ? bytes : java.util.Arrays.copyOf(bytes, dst.position());
    }

    private final Content content;
    private final int blockSize;
    private final int windowSize;
    private final long timeoutMillis;
    private final int retries;
    private final boolean optionAck;
    private final java.util.Map<String, String> optionValues;
    /** The number of DATA blocks: the last one is shorter than blksize, possibly empty (RFC 1350 section 6). */
    private final long lastBlock;

    /** The highest block the client acknowledged; -1 while the OACK (block 0) is unacknowledged. */
    private long acked;
    /** The next block to put on the wire, and the last block of the current window. */
    private long next;
    private long windowEnd;
    private boolean blocked;
    private int retriesLeft;
    private long deadline;
    private Outcome outcome;
    private String detail;

    TftpTransfer(Content content, TftpOptions options, int retries) {
        this.content = content;
        this.blockSize = options.blockSize();
        this.windowSize = options.windowSize();
        this.timeoutMillis = options.timeout().toMillis();
        this.retries = retries;
        this.optionAck = !options.optionAck().isEmpty();
        this.optionValues = options.optionAck();
        this.lastBlock = content.size() / blockSize + 1;
    }

    /** Sends the OACK (RFC 2347 section 3) or, with no options accepted, the first window of DATA. */
    void start(long now, Link link) throws IOException {
        retriesLeft = retries;
        if (optionAck) {
            acked = -1;
            sendOptionAck(now, link);
        } else {
            acked = 0;
            openWindow(now, link);
        }
    }

    /** A packet from the transfer's own client (the caller checked the TID). */
    void onPacket(TftpPacket packet, long now, Link link) throws IOException {
        if (outcome != null) {
            return;
        }
        if (packet instanceof TftpPacket.Error error) {
            // RFC 1350 section 7: an ERROR terminates the transfer; a Pi does this to probe for files
            finish(Outcome.ABORTED, "client error " + error.code() + ": " + error.message());
        } else if (packet instanceof TftpPacket.Ack ack) {
            onAck(ack.block(), now, link);
        }
        // anything else on a read transfer's TID is dropped: the retransmission timer recovers
    }

    private void onAck(int wireBlock, long now, Link link) throws IOException {
        if (acked < 0) {
            // RFC 2347 section 3: the client acknowledges the OACK with ACK 0
            if (wireBlock != 0) {
                return;
            }
            acked = 0;
        } else {
            // Map the 16-bit number onto [acked, last sent]; blocks roll over 65535 -> 0 (RFC 1350 wraps silently)
            long sentUpTo = next - 1;
            long candidate = acked + ((wireBlock - (acked & 0xFFFF)) & 0xFFFF);
            if (candidate == acked || candidate > sentUpTo) {
                // RFC 1123 section 4.2.3.1: a duplicate ACK never triggers a retransmission (Sorcerer's
                // Apprentice); an ACK for a block not sent yet is stale or bogus
                return;
            }
            acked = candidate;
        }
        retriesLeft = retries;
        if (acked >= lastBlock) {
            finish(Outcome.COMPLETED, null);
            return;
        }
        // RFC 7440 section 4: an ACK for a block before the end of the window means the blocks after it were lost:
        // the next window starts right after the acknowledged block
        openWindow(now, link);
    }

    /** Called when the retransmission deadline has passed (RFC 1350 section 2: the sender retransmits). */
    void onTimeout(long now, Link link) throws IOException {
        if (outcome != null || now < deadline) {
            return;
        }
        if (retriesLeft-- <= 0) {
            finish(Outcome.FAILED, "timed out after " + retries + " retransmissions at block " + (acked + 1));
            return;
        }
        if (acked < 0) {
            sendOptionAck(now, link);
        } else {
            openWindow(now, link);
        }
    }

    /** The socket can take packets again: continue the window where a full send buffer stopped it. */
    void onWritable(long now, Link link) throws IOException {
        if (outcome == null && blocked) {
            pump(now, link);
        }
    }

    private void sendOptionAck(long now, Link link) throws IOException {
        deadline = now + timeoutMillis;
        link.send(TftpPacket.encodeOptionAck(link.buffer(), optionValues));
    }

    private void openWindow(long now, Link link) throws IOException {
        next = acked + 1;
        windowEnd = Math.min(acked + windowSize, lastBlock);
        pump(now, link);
    }

    private void pump(long now, Link link) throws IOException {
        deadline = now + timeoutMillis;
        blocked = false;
        while (next <= windowEnd) {
            ByteBuffer buffer = TftpPacket.putDataHeader(link.buffer(), (int) (next & 0xFFFF));
            long position = (next - 1) * blockSize;
            buffer.limit(4 + (int) Math.max(0, Math.min(blockSize, content.size() - position)));
            content.read(buffer, position);
            buffer.flip();
            if (!link.send(buffer)) {
                blocked = true;
                return;
            }
            next++;
        }
    }

    void fail(String why) {
        if (outcome == null) {
            finish(Outcome.FAILED, why);
        }
    }

    private void finish(Outcome result, String why) {
        outcome = result;
        detail = why;
        content.close();
    }

    boolean done() {
        return outcome != null;
    }

    /** Null while the transfer runs. */
    Outcome outcome() {
        return outcome;
    }

    String detail() {
        return detail;
    }

    /** When {@link #onTimeout} wants to be called. */
    long deadline() {
        return deadline;
    }

    boolean blocked() {
        return blocked;
    }

    /** The bytes the client acknowledged. */
    long bytesAcknowledged() {
        return acked <= 0 ? 0 : Math.min(acked * blockSize, content.size());
    }

    int blockSize() {
        return blockSize;
    }

    /** The number of DATA blocks the transfer sends, the last (short, possibly empty) one included. */
    long blocks() {
        return lastBlock;
    }

    int windowSize() {
        return windowSize;
    }
}
