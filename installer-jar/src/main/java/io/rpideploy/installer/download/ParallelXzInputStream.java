package io.rpideploy.installer.download;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.CRC32;
import org.tukaani.xz.BasicArrayCache;
import org.tukaani.xz.XZInputStream;

/**
 * Decodes a multi-block .xz stream (what {@code xz -T} writes: every block header carries its compressed and
 * uncompressed size) on several threads, in order, with bounded memory. The input is still read sequentially:
 * each block's bytes are cut out, wrapped into a one-block .xz stream (same stream flags, a one-record index,
 * a footer) and decoded by XZ for Java on a worker, which hands 1 MiB chunks to a small per-block queue. Block
 * checks (CRC32/CRC64/SHA-256) and sizes are verified by the decoder. Streams whose first block has no sizes
 * (single-threaded xz) or whose blocks are too large for the memory budget are decoded sequentially as usual.
 * Format: https://tukaani.org/xz/xz-file-format.txt (sections 2.1, 3.1, 4).
 */
final class ParallelXzInputStream extends InputStream {

    private static final byte[] MAGIC = {(byte) 0xFD, '7', 'z', 'X', 'Z', 0};
    private static final byte[] END = new byte[0];
    private static final int CHUNK = 1 << 20;
    private static final int QUEUE = 3;

    private final InputStream in;
    private final byte[] streamFlags;
    private final int checkSize;
    private final ExecutorService pool;
    private final int threads;
    private final Deque<Job> jobs = new ArrayDeque<>();
    private byte[] pendingHeader;
    private boolean inputDone;
    private byte[] chunk = END;
    private int chunkPos;

    private static final class Job {
        final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(QUEUE);
        volatile Throwable failure;
    }

    private ParallelXzInputStream(InputStream in, byte[] streamFlags, int threads, byte[] firstHeader) {
        this.in = in;
        this.streamFlags = streamFlags;
        this.checkSize = checkSize(streamFlags[1] & 0x0F);
        this.threads = threads;
        this.pendingHeader = firstHeader;
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "xz-block-decoder");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A parallel decoder when the stream allows it within {@code memoryBudget} bytes, else XZ for Java's own
     * sequential one over the same bytes.
     */
    static InputStream open(InputStream in, int threads, long memoryBudget) throws IOException {
        byte[] header = in.readNBytes(12);
        if (header.length < 12 || !Arrays.equals(Arrays.copyOf(header, 6), MAGIC)) {
            return sequential(header, in);
        }
        byte[] flags = {header[6], header[7]};
        int first = in.read();
        if (first <= 0 || threads < 2) {
            return sequential(concat(header, first < 0 ? new byte[0] : new byte[] {(byte) first}), in);
        }
        byte[] blockHeader = new byte[(first + 1) * 4];
        blockHeader[0] = (byte) first;
        readFully(in, blockHeader, 1, blockHeader.length - 1);
        BlockHeader h = BlockHeader.parse(blockHeader);
        long perWorker = h.compressedSize + h.dictSize + (long) (QUEUE + 2) * CHUNK;
        if (h.compressedSize < 0 || h.uncompressedSize < 0 || (long) threads * perWorker > memoryBudget) {
            return sequential(concat(header, blockHeader), in);
        }
        return new ParallelXzInputStream(in, flags, threads, blockHeader);
    }

    private static InputStream sequential(byte[] consumed, InputStream rest) throws IOException {
        return new XZInputStream(new SequenceInputStream(new ByteArrayInputStream(consumed), rest), -1, true,
                BasicArrayCache.getInstance());
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (chunkPos >= chunk.length) {
            if (!nextChunk()) {
                return -1;
            }
        }
        int n = Math.min(len, chunk.length - chunkPos);
        System.arraycopy(chunk, chunkPos, b, off, n);
        chunkPos += n;
        return n;
    }

    private boolean nextChunk() throws IOException {
        fill();
        Job job = jobs.peekFirst();
        if (job == null) {
            return false;
        }
        byte[] next;
        try {
            next = job.chunks.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        if (next == END) {
            jobs.pollFirst();
            if (job.failure != null) {
                throw job.failure instanceof IOException io ? io : new IOException(job.failure);
            }
            chunk = END;
            chunkPos = 0;
            return true;
        }
        chunk = next;
        chunkPos = 0;
        return true;
    }

    /** Starts blocks until {@code threads} are in flight or the input has no more. */
    private void fill() throws IOException {
        while (!inputDone && jobs.size() < threads) {
            byte[] header = pendingHeader != null ? pendingHeader : nextBlockHeader();
            pendingHeader = null;
            if (header == null) {
                inputDone = true;
                break;
            }
            BlockHeader h = BlockHeader.parse(header);
            if (h.compressedSize < 0 || h.uncompressedSize < 0) {
                throw new IOException("xz block without sizes in a multi-block stream");
            }
            long padded = (h.compressedSize + 3) & ~3L;
            long total = header.length + padded + checkSize;
            if (total > Integer.MAX_VALUE - 64) {
                throw new IOException("xz block too large");
            }
            byte[] stream = oneBlockStream(header, h, (int) total);
            Job job = new Job();
            jobs.addLast(job);
            pool.execute(() -> decode(stream, job));
        }
    }

    /** Reads the next block header, or handles index + footer (+ padding + further streams) and returns null at the end. */
    private byte[] nextBlockHeader() throws IOException {
        while (true) {
            int first = in.read();
            if (first < 0) {
                throw new EOFException("xz stream truncated");
            }
            if (first != 0) {
                byte[] header = new byte[(first + 1) * 4];
                header[0] = (byte) first;
                readFully(in, header, 1, header.length - 1);
                return header;
            }
            skipIndexAndFooter();
            // stream padding (zeros, multiple of 4), then another stream or the end
            byte[] next = new byte[4];
            while (true) {
                int n = in.readNBytes(next, 0, 4);
                if (n == 0) {
                    return null;
                }
                if (n < 4) {
                    throw new EOFException("xz stream padding truncated");
                }
                if (next[0] == 0 && next[1] == 0 && next[2] == 0 && next[3] == 0) {
                    continue;
                }
                byte[] rest = new byte[8];
                readFully(in, rest, 0, 8);
                byte[] header = concat(next, rest);
                if (!Arrays.equals(Arrays.copyOf(header, 6), MAGIC) || header[6] != streamFlags[0]
                        || header[7] != streamFlags[1]) {
                    throw new IOException("unsupported concatenated xz stream");
                }
                break;
            }
        }
    }

    private void skipIndexAndFooter() throws IOException {
        CountingCrc crc = new CountingCrc();
        crc.update(0);
        long records = varint(crc);
        for (long i = 0; i < records; i++) {
            varint(crc);
            varint(crc);
        }
        while (crc.count % 4 != 0) {
            crc.update(readByte());
        }
        byte[] stored = new byte[4];
        readFully(in, stored, 0, 4);
        if (le32(stored) != (int) crc.crc.getValue()) {
            throw new IOException("xz index CRC32 mismatch");
        }
        byte[] footer = new byte[12];
        readFully(in, footer, 0, 12);
        if (footer[10] != 'Y' || footer[11] != 'Z') {
            throw new IOException("bad xz stream footer");
        }
    }

    private long varint(CountingCrc crc) throws IOException {
        long value = 0;
        for (int i = 0; i < 9; i++) {
            int b = readByte();
            crc.update(b);
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("bad xz multibyte integer");
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("xz stream truncated");
        }
        return b;
    }

    /** Stream header + this block + a one-record index + footer: a valid .xz file of its own. */
    private byte[] oneBlockStream(byte[] header, BlockHeader h, int blockBytes) throws IOException {
        ByteArrayOutputStream index = new ByteArrayOutputStream();
        index.write(0);
        writeVarint(index, 1);
        writeVarint(index, header.length + h.compressedSize + checkSize);
        writeVarint(index, h.uncompressedSize);
        while (index.size() % 4 != 0) {
            index.write(0);
        }
        CRC32 crc = new CRC32();
        crc.update(index.toByteArray());
        int indexSize = index.size() + 4;
        byte[] out = new byte[12 + blockBytes + indexSize + 12];
        int p = 0;
        System.arraycopy(MAGIC, 0, out, 0, 6);
        out[6] = streamFlags[0];
        out[7] = streamFlags[1];
        crc32(out, 6, 2, out, 8);
        p = 12;
        System.arraycopy(header, 0, out, p, header.length);
        p += header.length;
        readFully(in, out, p, blockBytes - header.length);
        p += blockBytes - header.length;
        byte[] idx = index.toByteArray();
        System.arraycopy(idx, 0, out, p, idx.length);
        p += idx.length;
        putLe32(out, p, (int) crc.getValue());
        p += 4;
        putLe32(out, p + 4, indexSize / 4 - 1);
        out[p + 8] = streamFlags[0];
        out[p + 9] = streamFlags[1];
        crc32(out, p + 4, 6, out, p);
        out[p + 10] = 'Y';
        out[p + 11] = 'Z';
        return out;
    }

    private static void decode(byte[] stream, Job job) {
        try (XZInputStream xz = new XZInputStream(new ByteArrayInputStream(stream), -1, true,
                BasicArrayCache.getInstance())) {
            while (true) {
                byte[] buf = new byte[CHUNK];
                int n = xz.readNBytes(buf, 0, CHUNK);
                if (n == 0) {
                    break;
                }
                job.chunks.put(n == CHUNK ? buf : Arrays.copyOf(buf, n));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Throwable t) {
            job.failure = t;
        }
        try {
            job.chunks.put(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        pool.shutdownNow();
        in.close();
    }

    /** The fields of a block header the parallel decoder needs. */
    private record BlockHeader(long compressedSize, long uncompressedSize, long dictSize) {
        static BlockHeader parse(byte[] h) throws IOException {
            CRC32 crc = new CRC32();
            crc.update(h, 0, h.length - 4);
            if ((int) crc.getValue() != le32(Arrays.copyOfRange(h, h.length - 4, h.length))) {
                throw new IOException("xz block header CRC32 mismatch");
            }
            int flags = h[1] & 0xff;
            int[] pos = {2};
            long compressed = (flags & 0x40) != 0 ? varint(h, pos) : -1;
            long uncompressed = (flags & 0x80) != 0 ? varint(h, pos) : -1;
            long dict = 0;
            int filters = (flags & 3) + 1;
            for (int f = 0; f < filters; f++) {
                long id = varint(h, pos);
                long propsSize = varint(h, pos);
                if (id == 0x21 && propsSize == 1) {
                    int bits = h[pos[0]] & 0x3F;
                    dict = bits >= 40 ? 0xFFFFFFFFL : (2L | (bits & 1)) << (bits / 2 + 11);
                }
                pos[0] += (int) propsSize;
            }
            return new BlockHeader(compressed, uncompressed, dict);
        }

        private static long varint(byte[] h, int[] pos) throws IOException {
            long value = 0;
            for (int i = 0; i < 9 && pos[0] < h.length; i++) {
                int b = h[pos[0]++] & 0xff;
                value |= (long) (b & 0x7F) << (7 * i);
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new IOException("bad xz block header");
        }
    }

    private static final class CountingCrc {
        final CRC32 crc = new CRC32();
        long count;

        void update(int b) {
            crc.update(b);
            count++;
        }
    }

    private static int checkSize(int type) {
        if (type == 0) {
            return 0;
        }
        return 4 << ((type - 1) / 3);
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
        long v = value;
        while (v >= 0x80) {
            out.write((int) (v | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static void crc32(byte[] data, int off, int len, byte[] out, int at) {
        CRC32 crc = new CRC32();
        crc.update(data, off, len);
        putLe32(out, at, (int) crc.getValue());
    }

    private static void putLe32(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }

    private static int le32(byte[] b) {
        return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void readFully(InputStream in, byte[] b, int off, int len) throws IOException {
        int n = in.readNBytes(b, off, len);
        if (n < len) {
            throw new EOFException("xz stream truncated");
        }
    }
}
