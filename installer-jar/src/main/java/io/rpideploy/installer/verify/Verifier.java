package io.rpideploy.installer.verify;

import io.rpideploy.installer.download.BlockMap;
import io.rpideploy.installer.report.ExitCode;
import io.rpideploy.installer.report.InstallException;
import io.rpideploy.installer.write.ImageWriter;
import io.rpideploy.installer.write.TargetDevice;
import io.rpideploy.installer.write.WriteResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * Read-back verification. The first {@link ImageWriter#HOLD} bytes are not on the target yet when this runs
 * (they are written last); their in-memory copy stands in for them, and the installer compares them separately
 * after writing them.
 *
 * <p>Page cache: the writer writes aligned blocks with O_DIRECT, so most of the image is not in the page cache;
 * what it wrote through the cache (the first MiB, an unaligned tail, everything where O_DIRECT was refused) may
 * be. Java has neither {@code posix_fadvise(DONTNEED)} nor a portable cache drop, and O_DIRECT reads are avoided
 * here on purpose (alignment rules differ by device). So, after the writer's fsync, the target is opened again
 * and, when it is a block device, {@code blockdev --flushbufs} (ioctl BLKFLSBUF: write back and drop that
 * device's buffer cache) runs first, so the data is read from the medium. On a plain file the cached part may
 * still be served from the page cache: that part verifies the write path, not the disk.
 */
public final class Verifier {

    /** The verification modes of {@code --verify}. */
    public enum Mode { FULL, SAMPLE, NONE }

    /** Called as bytes are read back. */
    public interface Progress {
        void read(long done, long total);
    }

    static final int SAMPLES = 64;

    private final TargetDevice target;
    private final Progress progress;

    public Verifier(TargetDevice target, Progress progress) {
        this.target = target;
        this.progress = progress;
    }

    /**
     * @param expectedSha256 the whole image's SHA-256 (used without bmap in FULL mode; may be null only in SAMPLE)
     * @return a one-line summary of what was compared
     */
    public String verify(Mode mode, WriteResult written, BlockMap bmap, String expectedSha256)
            throws InstallException {
        if (mode == Mode.NONE) {
            return "verification skipped (--verify none)";
        }
        dropCache();
        try (FileChannel ch = FileChannel.open(target.path(), StandardOpenOption.READ)) {
            if (bmap != null) {
                return verifyRanges(ch, mode, written, bmap);
            }
            if (mode == Mode.FULL) {
                if (expectedSha256 == null) {
                    throw new InstallException(ExitCode.VERIFY_FAILED, "no checksum to verify against");
                }
                MessageDigest sha = sha("SHA-256");
                hash(ch, written, 0, written.imageSize(), sha, null, written.imageSize(), 0);
                String actual = HexFormat.of().formatHex(sha.digest());
                if (!actual.equals(expectedSha256)) {
                    throw new InstallException(ExitCode.VERIFY_FAILED, "read-back SHA-256 " + actual
                            + " differs from the image's " + expectedSha256);
                }
                return "read back " + written.imageSize() + " bytes, SHA-256 " + actual + " matches";
            }
            return verifyChunks(ch, written);
        } catch (IOException e) {
            throw new InstallException(ExitCode.VERIFY_FAILED, "reading back " + target.path() + " failed: " + e, e);
        }
    }

    private String verifyRanges(FileChannel ch, Mode mode, WriteResult written, BlockMap bmap)
            throws IOException, InstallException {
        List<BlockMap.Range> ranges = bmap.ranges();
        List<BlockMap.Range> chosen = mode == Mode.FULL ? ranges : spread(ranges);
        long total = 0;
        for (BlockMap.Range r : chosen) {
            total += r.length();
        }
        long done = 0;
        for (BlockMap.Range r : chosen) {
            MessageDigest d = bmap.newDigest();
            hash(ch, written, r.start(), r.end(), d, null, total, done);
            done += r.length();
            String actual = HexFormat.of().formatHex(d.digest());
            if (r.checksum() != null && !actual.equals(r.checksum())) {
                throw new InstallException(ExitCode.VERIFY_FAILED, "read-back of bmap range " + r.start() + "-"
                        + r.end() + " differs: " + actual + " instead of " + r.checksum());
            }
        }
        return "read back " + chosen.size() + " of " + ranges.size() + " bmap ranges (" + done
                + " bytes), all checksums match";
    }

    private String verifyChunks(FileChannel ch, WriteResult written) throws IOException, InstallException {
        int[] crcs = written.chunkCrcs();
        List<Integer> picks = new ArrayList<>();
        int n = crcs.length;
        int count = Math.min(n, SAMPLES);
        for (int k = 0; k < count; k++) {
            int idx = count == 1 ? 0 : (int) ((long) k * (n - 1) / (count - 1));
            if (picks.isEmpty() || picks.get(picks.size() - 1) != idx) {
                picks.add(idx);
            }
        }
        long total = (long) picks.size() * ImageWriter.CHUNK;
        long done = 0;
        for (int idx : picks) {
            long start = (long) idx * ImageWriter.CHUNK;
            long end = Math.min(start + ImageWriter.CHUNK, written.imageSize());
            CRC32C crc = new CRC32C();
            hash(ch, written, start, end, null, crc, total, done);
            done += end - start;
            if ((int) crc.getValue() != crcs[idx]) {
                throw new InstallException(ExitCode.VERIFY_FAILED, "read-back of chunk " + idx + " (bytes " + start
                        + "-" + end + ") differs from what was written");
            }
        }
        return "read back " + picks.size() + " of " + n + " chunks (" + done + " bytes), all match";
    }

    static <T> List<T> spread(List<T> all) {
        if (all.size() <= SAMPLES) {
            return all;
        }
        List<T> out = new ArrayList<>();
        for (int k = 0; k < SAMPLES; k++) {
            out.add(all.get((int) ((long) k * (all.size() - 1) / (SAMPLES - 1))));
        }
        return out;
    }

    /** Feeds bytes [start, end) of the image to the digest or CRC, the held-back part from memory. */
    private void hash(FileChannel ch, WriteResult w, long start, long end, MessageDigest d, CRC32C crc,
                      long total, long doneBefore) throws IOException {
        long pos = start;
        byte[] held = w.heldBack();
        if (pos < held.length) {
            int n = (int) Math.min(end, held.length) - (int) pos;
            if (d != null) {
                d.update(held, (int) pos, n);
            } else {
                crc.update(held, (int) pos, n);
            }
            pos += n;
        }
        ByteBuffer buf = ByteBuffer.allocate(ImageWriter.CHUNK);
        long lastReport = 0;
        while (pos < end) {
            buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw new IOException("target ends at byte " + pos + ", expected " + end);
            }
            buf.flip();
            if (d != null) {
                d.update(buf.array(), 0, r);
            } else {
                crc.update(buf.array(), 0, r);
            }
            pos += r;
            long done = doneBefore + pos - start;
            if (done - lastReport >= (16 << 20) || pos == end) {
                progress.read(done, total);
                lastReport = done;
            }
        }
    }

    /** fsync is done by the writer; drop the block device's buffer cache so the read comes from the medium. */
    private void dropCache() {
        if (!target.blockDevice()) {
            return;
        }
        try {
            Process p = new ProcessBuilder("blockdev", "--flushbufs", target.path().toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            // blockdev missing: the read may come from the page cache (documented)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static MessageDigest sha(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
