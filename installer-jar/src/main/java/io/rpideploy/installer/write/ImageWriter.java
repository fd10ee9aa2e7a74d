package io.rpideploy.installer.write;

import com.sun.nio.file.ExtendedOpenOption;
import io.rpideploy.installer.download.BlockMap;
import io.rpideploy.installer.download.DownloadException;
import io.rpideploy.installer.report.ExitCode;
import io.rpideploy.installer.report.InstallException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * Streams an image to the target with no temporary copy. A producer thread reads the decoded image and fills
 * 4 MiB page-aligned direct buffers (straight from the source when it is a {@link ReadableByteChannel}: the
 * served raw image, the zstd decoder); an optional hasher thread takes the image's SHA-256; the calling thread
 * does the bookkeeping and hands each buffer to {@link #IO_THREADS} writer threads, which write it with
 * positional O_DIRECT writes where the target allows (a bounded set of buffers: memory stays constant). The first {@link #HOLD} bytes (MBR / partition table) are kept
 * in memory and zeroed on the target, to be written last ({@link #writeHeldBack}), so a half-written card never
 * has a valid partition table. With a block map only mapped ranges are written (unmapped bytes are decoded and
 * dropped, or skipped with a Range request for a raw image) and each range's checksum is checked as it passes.
 */
public final class ImageWriter {

    /** Held back and written last: the MBR and everything before the first partition on Raspberry Pi OS. */
    public static final int HOLD = 1 << 20;
    /** Write / sample-verification unit. */
    public static final int CHUNK = 4 << 20;
    /** O_DIRECT writes must start, end and sit in memory on this boundary (Java checks the file system's). */
    static final int DIRECT_ALIGN = 4096;
    /**
     * Writes in flight at once: an O_DIRECT write returns only when the device has the data, so with one at a
     * time the device idles while the next one is issued (and NVMe wants a queue); two keep it busy.
     */
    static final int IO_THREADS = 2;

    /** Called on the writer thread after each buffer. */
    public interface Progress {
        void written(long imageOffset, long bytesWritten);
    }

    /** A skip that may use a Range request (raw images only). */
    public interface Skipper {
        void skip(InputStream in, long n) throws IOException;
    }

    private record Item(long offset, ByteBuffer buffer, Throwable failure) {
    }

    private final TargetDevice target;
    private final int depth;
    private final long syncEvery;
    private final boolean hashImage;
    private final boolean chunkCrcs;
    private boolean directIo = true;

    /**
     * @param hashImage compute the decoded image's SHA-256 on the writer thread (only needed when it is the
     *                  reference for a full verify: compressed image, no bmap, no image_uncompressed_checksum)
     * @param chunkCrcs record a CRC32C per chunk (sampled verification without bmap)
     * @param syncEvery fsync after this many bytes (0: only at the end): bounds dirty page cache on a small Pi
     */
    public ImageWriter(TargetDevice target, int depth, long syncEvery, boolean hashImage, boolean chunkCrcs) {
        this.target = target;
        this.depth = Math.max(2, depth);
        this.syncEvery = syncEvery;
        this.hashImage = hashImage;
        this.chunkCrcs = chunkCrcs;
    }

    /** Off: every write goes through the page cache (as before O_DIRECT); for tests and as a fallback. */
    public ImageWriter directIo(boolean on) {
        this.directIo = on;
        return this;
    }

    public WriteResult write(InputStream image, BlockMap bmap, Skipper skipper, Progress progress)
            throws InstallException {
        // depth queued + one per stage (decoder, hasher) + the writes in flight
        int buffers = depth + 1 + IO_THREADS;
        BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(buffers);
        for (int i = 0; i < buffers; i++) {
            free.add(ByteBuffer.allocateDirect(CHUNK + 4096).alignedSlice(4096).limit(CHUNK).slice());
        }
        BlockingQueue<Item> full = new ArrayBlockingQueue<>(depth + 2);
        Thread producer = new Thread(() -> produce(image, bmap, skipper, free, full), "image-decoder");
        producer.setDaemon(true);
        // the image's SHA-256 runs on a stage of its own between decoder and writer, so hashing, decoding and
        // writing overlap
        MessageDigest sha = hashImage && bmap == null ? sha256() : null;
        BlockingQueue<Item> toWriter = sha == null ? full : new ArrayBlockingQueue<>(depth + 2);
        Thread hasher = new Thread(() -> hash(sha, full, toWriter), "image-hasher");
        hasher.setDaemon(true);
        try (FileChannel ch = open(); DirectWriter direct = new DirectWriter(ch, directIo ? openDirect() : null);
             WriteStage io = new WriteStage(direct, free)) {
            prepare(ch);
            producer.start();
            if (sha != null) {
                hasher.start();
            }
            WriteResult r = consume(ch, io, bmap, toWriter, progress);
            return sha == null ? r : new WriteResult(r.imageSize(), r.bytesWritten(), r.heldBack(),
                    HexFormat.of().formatHex(sha.digest()), r.chunkCrcs(), r.rangesChecked());
        } catch (IOException e) {
            throw new InstallException(ExitCode.DEVICE_REFUSED, "writing " + target.path() + " failed: " + e, e);
        } finally {
            hasher.interrupt();
            producer.interrupt();
            try {
                image.close();
            } catch (IOException e) {
                // closing a dead connection
            }
            try {
                producer.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private FileChannel open() throws IOException {
        if (target.blockDevice()) {
            return FileChannel.open(target.path(), StandardOpenOption.WRITE);
        }
        return FileChannel.open(target.path(), StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    /**
     * A second channel on the target with O_DIRECT for the bulk of the image: the 4 MiB buffers go from memory to
     * the device without being copied into the page cache (that copy, and writing the dirty pages back at the
     * fsync, cost more CPU than anything else in the installer), and the image does not push everything else out
     * of a small Pi's page cache. Null where the file system refuses O_DIRECT (tmpfs): then the page cache, as
     * before.
     */
    private FileChannel openDirect() {
        try {
            return FileChannel.open(target.path(), StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** Zeroes the first MiB (an old partition table must not survive a half write) and, on a device, the last. */
    private void prepare(FileChannel ch) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocateDirect(HOLD);
        writeFully(ch, zeros, 0);
        if (target.blockDevice() && target.size() >= 2L * HOLD) {
            writeFully(ch, zeros.clear(), target.size() - HOLD);
        }
        ch.force(true);
    }

    private void produce(InputStream in, BlockMap bmap, Skipper skipper, BlockingQueue<ByteBuffer> free,
                         BlockingQueue<Item> full) {
        byte[] staging = new byte[1 << 18];
        try {
            long pos = 0;
            if (bmap == null) {
                while (true) {
                    ByteBuffer buf = free.take().clear();
                    int n = fill(in, buf, CHUNK, staging);
                    if (n == 0) {
                        free.add(buf);
                        break;
                    }
                    full.put(new Item(pos, buf.flip(), null));
                    pos += n;
                    if (n < CHUNK) {
                        break;
                    }
                }
            } else {
                List<BlockMap.Range> ranges = bmap.ranges();
                int i = 0;
                while (i < ranges.size()) {
                    BlockMap.Range r = ranges.get(i);
                    if (pos < r.start()) {
                        skipper.skip(in, r.start() - pos);
                        pos = r.start();
                    }
                    ByteBuffer buf = free.take().clear();
                    long start = pos;
                    // fill with contiguous mapped bytes, across adjacent ranges
                    while (buf.hasRemaining() && i < ranges.size() && ranges.get(i).start() <= pos) {
                        BlockMap.Range cur = ranges.get(i);
                        int want = (int) Math.min(buf.remaining(), cur.end() - pos);
                        int n = fill(in, buf, want, staging);
                        pos += n;
                        if (n < want) {
                            throw new DownloadException(ExitCode.DOWNLOAD_FAILED, "image ends at byte " + pos
                                    + " inside a mapped bmap range");
                        }
                        if (pos == cur.end()) {
                            i++;
                        }
                    }
                    full.put(new Item(start, buf.flip(), null));
                }
                // the rest is unmapped: read it anyway so that the served file's checksum covers every byte
                long rest = bmap.imageSize() - pos;
                if (rest > 0) {
                    skipper.skip(in, rest);
                }
                if (in.read() >= 0) {
                    throw new DownloadException(ExitCode.DOWNLOAD_FAILED, "image is longer than the bmap's ImageSize "
                            + bmap.imageSize());
                }
                pos = bmap.imageSize();
            }
            full.put(new Item(pos, null, null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            try {
                full.put(new Item(-1, null, t));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void hash(MessageDigest sha, BlockingQueue<Item> in, BlockingQueue<Item> out) {
        try {
            while (true) {
                Item item = in.take();
                if (item.buffer() != null) {
                    sha.update(item.buffer().duplicate());
                }
                out.put(item);
                if (item.buffer() == null) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads up to {@code want} bytes into {@code buf}; fewer only at the end of the stream. */
    static int fill(InputStream in, ByteBuffer buf, int want, byte[] staging) throws IOException {
        if (in instanceof ReadableByteChannel ch) {
            // straight into the (direct) write buffer: no copy through the staging array
            int limit = buf.limit();
            int start = buf.position();
            buf.limit(start + want);
            try {
                while (buf.hasRemaining()) {
                    if (ch.read(buf) < 0) {
                        break;
                    }
                }
            } finally {
                buf.limit(limit);
            }
            return buf.position() - start;
        }
        int got = 0;
        while (got < want) {
            int n = in.read(staging, 0, Math.min(staging.length, want - got));
            if (n < 0) {
                break;
            }
            buf.put(staging, 0, n);
            got += n;
        }
        return got;
    }

    private WriteResult consume(FileChannel ch, WriteStage io, BlockMap bmap, BlockingQueue<Item> full,
                                Progress progress) throws IOException, InstallException {
        byte[] held = new byte[HOLD];
        CRC32C crc = new CRC32C();
        int[] crcs = new int[64];
        int chunks = 0;
        RangeChecker ranges = bmap == null ? null : new RangeChecker(bmap);
        long written = 0;
        long sinceSync = 0;
        long end;
        while (true) {
            Item item;
            try {
                item = full.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InstallException(ExitCode.INTERNAL, "interrupted while writing");
            }
            if (item.failure() != null) {
                throw failure(item.failure());
            }
            if (item.buffer() == null) {
                end = item.offset();
                break;
            }
            ByteBuffer buf = item.buffer();
            long off = item.offset();
            int len = buf.remaining();
            if (target.blockDevice() && off + len > target.size()) {
                throw new InstallException(ExitCode.DEVICE_REFUSED, "the image does not fit on " + target.path()
                        + " (" + target.size() + " bytes): it goes on past byte " + (off + len));
            }
            if (ranges != null) {
                ranges.feed(off, buf.duplicate());
            } else if (chunkCrcs) {
                crc.reset();
                crc.update(buf.duplicate());
                if (chunks == crcs.length) {
                    crcs = Arrays.copyOf(crcs, chunks * 2);
                }
                crcs[chunks++] = (int) crc.getValue();
            }
            if (off < HOLD) {
                int n = (int) Math.min(len, HOLD - off);
                buf.duplicate().get(held, (int) off, n);
                buf.position(buf.position() + n);
                off += n;
            }
            int n = buf.remaining();
            // the write stage hands the buffer back to the decoder when it is on the target; progress counts
            // it from here (at most IO_THREADS buffers early; exact once drained)
            io.write(buf, off);
            written += n;
            sinceSync += n;
            if (syncEvery > 0 && sinceSync >= syncEvery) {
                io.drain();
                ch.force(false);
                sinceSync = 0;
            }
            progress.written(item.offset() + len, written);
        }
        io.drain();
        if (ranges != null) {
            ranges.finish();
        }
        if (!target.blockDevice() && ch.size() < end) {
            // a file target: unmapped tail (bmap) still has to exist
            writeFully(ch, ByteBuffer.allocate(1), end - 1);
        }
        ch.force(true);
        byte[] heldBack = Arrays.copyOf(held, (int) Math.min(HOLD, end));
        return new WriteResult(end, written, heldBack, null, Arrays.copyOf(crcs, chunks),
                ranges == null ? 0 : ranges.checked);
    }

    private static InstallException failure(Throwable t) {
        if (t instanceof InstallException ie) {
            return ie;
        }
        if (t instanceof DownloadException de) {
            return new InstallException(de.exitCode(), de.getMessage(), de);
        }
        return new InstallException(ExitCode.DOWNLOAD_FAILED, "reading the image failed: " + t, t);
    }

    /** Writes the held-back first bytes last, then fsyncs. */
    public static void writeHeldBack(TargetDevice target, byte[] heldBack) throws InstallException {
        try (FileChannel ch = FileChannel.open(target.path(), StandardOpenOption.WRITE)) {
            writeFully(ch, ByteBuffer.wrap(heldBack), 0);
            ch.force(true);
        } catch (IOException e) {
            throw new InstallException(ExitCode.DEVICE_REFUSED, "writing the partition table to " + target.path()
                    + " failed: " + e, e);
        }
    }

    /** Runs the target writes on {@link #IO_THREADS} threads; the first failure is thrown by a later call. */
    static final class WriteStage implements AutoCloseable {
        private final DirectWriter out;
        private final BlockingQueue<ByteBuffer> free;
        private final ExecutorService pool;
        private int pending;
        private Throwable failure;

        WriteStage(DirectWriter out, BlockingQueue<ByteBuffer> free) {
            this.out = out;
            this.free = free;
            this.pool = Executors.newFixedThreadPool(IO_THREADS, r -> {
                Thread t = new Thread(r, "image-writer");
                t.setDaemon(true);
                return t;
            });
        }

        /** Writes {@code buf} at {@code position} in the background, then puts it back on the free queue. */
        void write(ByteBuffer buf, long position) throws IOException {
            check();
            synchronized (this) {
                pending++;
            }
            pool.execute(() -> {
                Throwable t = null;
                try {
                    out.write(buf, position);
                } catch (Throwable e) {
                    t = e;
                }
                free.add(buf.clear());
                synchronized (this) {
                    if (t != null && failure == null) {
                        failure = t;
                    }
                    pending--;
                    notifyAll();
                }
            });
        }

        /** Waits for the writes in flight. */
        void drain() throws IOException {
            synchronized (this) {
                while (pending > 0) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while writing");
                    }
                }
            }
            check();
        }

        private synchronized void check() throws IOException {
            if (failure instanceof IOException e) {
                throw e;
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
        }

        @Override
        public void close() {
            pool.shutdown();
            try {
                pool.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Writes through the O_DIRECT channel what is aligned (all of it for a whole image, except perhaps its last
     * bytes) and the rest through the page cache. The page-cache bytes never share an aligned block with a later
     * direct write of this run except as the kernel keeps them coherent (it writes back and drops cached pages
     * that a direct write covers). A direct write the device refuses (EINVAL: alignment) switches to the page
     * cache for good.
     */
    static final class DirectWriter implements AutoCloseable {
        private final FileChannel buffered;
        /** Used by the write stage's threads at once; null after a fall-back to the page cache. */
        private volatile FileChannel direct;

        DirectWriter(FileChannel buffered, FileChannel direct) {
            this.buffered = buffered;
            this.direct = direct;
        }

        boolean direct() {
            return direct != null;
        }

        void write(ByteBuffer buf, long position) throws IOException {
            FileChannel d = direct;
            long pos = position;
            int aligned = d == null || position % DIRECT_ALIGN != 0 || !aligned(buf) ? 0
                    : buf.remaining() / DIRECT_ALIGN * DIRECT_ALIGN;
            if (aligned > 0) {
                int start = buf.position();
                int limit = buf.limit();
                buf.limit(start + aligned);
                try {
                    writeFully(d, buf, pos);
                } catch (IOException e) {
                    // refused, or closed by another thread's fall-back: the page cache from here on
                    if (!refused(e) && direct == d) {
                        throw e;
                    }
                    fallBack(d);
                } finally {
                    buf.limit(limit);
                }
                pos += buf.position() - start;
            }
            writeFully(buffered, buf, pos);
        }

        private synchronized void fallBack(FileChannel d) {
            if (direct == d) {
                direct = null;
                try {
                    d.close();
                } catch (IOException e) {
                    // it is no longer used
                }
            }
        }

        /** EINVAL from the kernel, or Java's own check against the file system's block size. */
        private static boolean refused(IOException e) {
            String m = String.valueOf(e.getMessage());
            return m.contains("Invalid argument") || m.contains("block size");
        }

        private static boolean aligned(ByteBuffer buf) {
            return buf.isDirect() && buf.alignmentOffset(buf.position(), DIRECT_ALIGN) == 0;
        }

        @Override
        public void close() throws IOException {
            FileChannel d = direct;
            if (d != null) {
                d.close();
            }
        }
    }

    static void writeFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            pos += ch.write(buf, pos);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Checks each bmap range's checksum as its bytes pass by, in order. */
    static final class RangeChecker {
        private final BlockMap bmap;
        private final MessageDigest digest;
        private int index;
        int checked;

        RangeChecker(BlockMap bmap) {
            this.bmap = bmap;
            this.digest = bmap.newDigest();
        }

        void feed(long offset, ByteBuffer data) throws InstallException {
            long pos = offset;
            while (data.hasRemaining()) {
                BlockMap.Range r = bmap.ranges().get(index);
                int n = (int) Math.min(data.remaining(), r.end() - pos);
                ByteBuffer slice = data.slice().limit(n);
                digest.update(slice);
                data.position(data.position() + n);
                pos += n;
                if (pos == r.end()) {
                    String actual = HexFormat.of().formatHex(digest.digest());
                    if (r.checksum() != null && !r.checksum().equals(actual)) {
                        throw new InstallException(ExitCode.CHECKSUM_MISMATCH, "bmap range " + r.start() + "-"
                                + r.end() + " checksum mismatch: expected " + r.checksum() + ", got " + actual);
                    }
                    checked++;
                    index++;
                }
            }
        }

        void finish() throws InstallException {
            if (index != bmap.ranges().size()) {
                throw new InstallException(ExitCode.DOWNLOAD_FAILED, "image ended before all bmap ranges were written");
            }
        }
    }
}
