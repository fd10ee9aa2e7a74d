package io.rpideploy.installer.write;

import io.rpideploy.installer.download.BlockMap;
import io.rpideploy.installer.download.DownloadException;
import io.rpideploy.installer.report.ExitCode;
import io.rpideploy.installer.report.InstallException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.zip.CRC32C;

/**
 * Streams an image to the target with no temporary copy. A producer thread reads the decoded image and fills
 * 4 MiB page-aligned direct buffers; an optional hasher thread takes the image's SHA-256; the calling thread
 * writes them with positional writes (a bounded queue of
 * {@code depth} buffers: memory stays constant). The first {@link #HOLD} bytes (MBR / partition table) are kept
 * in memory and zeroed on the target, to be written last ({@link #writeHeldBack}), so a half-written card never
 * has a valid partition table. With a block map only mapped ranges are written (unmapped bytes are decoded and
 * dropped, or skipped with a Range request for a raw image) and each range's checksum is checked as it passes.
 */
public final class ImageWriter {

    /** Held back and written last: the MBR and everything before the first partition on Raspberry Pi OS. */
    public static final int HOLD = 1 << 20;
    /** Write / sample-verification unit. */
    public static final int CHUNK = 4 << 20;

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

    public WriteResult write(InputStream image, BlockMap bmap, Skipper skipper, Progress progress)
            throws InstallException {
        BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(depth + 1);
        for (int i = 0; i < depth + 1; i++) {
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
        try (FileChannel ch = open()) {
            prepare(ch);
            producer.start();
            if (sha != null) {
                hasher.start();
            }
            WriteResult r = consume(ch, bmap, free, toWriter, progress);
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
    private static int fill(InputStream in, ByteBuffer buf, int want, byte[] staging) throws IOException {
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

    private WriteResult consume(FileChannel ch, BlockMap bmap, BlockingQueue<ByteBuffer> free,
                                BlockingQueue<Item> full, Progress progress) throws IOException, InstallException {
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
            writeFully(ch, buf, off);
            written += n;
            sinceSync += n;
            if (syncEvery > 0 && sinceSync >= syncEvery) {
                ch.force(false);
                sinceSync = 0;
            }
            free.add(buf.clear());
            progress.written(item.offset() + len, written);
        }
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
