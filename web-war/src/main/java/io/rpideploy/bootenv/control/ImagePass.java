package io.rpideploy.bootenv.control;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.tukaani.xz.BasicArrayCache;
import org.tukaani.xz.SeekableFileInputStream;
import org.tukaani.xz.SeekableXZInputStream;
import org.tukaani.xz.XZIOException;
import org.tukaani.xz.XZInputStream;

/**
 * One read of the raw disk image from its first byte, decompressing .xz/.gz/.zst on the fly (by file name). Only moves
 * forward: a raw image skips by seeking, a compressed one by decoding and dropping, except that an .xz made of several
 * blocks (xz -T0, as Raspberry Pi OS images are) jumps to the block that holds the target: its index tells where each
 * block starts, and a block decodes on its own.
 */
final class ImagePass implements Closeable {

    /** The largest xz dictionary we decode (xz -9 uses 64 MiB); it is heap, allocated by the decoder. */
    static final int XZ_MEMORY_LIMIT_KIB = 128 * 1024;
    private static final int BUFFER = 128 * 1024;

    private final InputStream in;
    private final SeekableXZInputStream blocks;
    private final String format;
    private final boolean raw;
    private final byte[] drop = new byte[BUFFER];
    private long position;
    private boolean ended;

    private ImagePass(InputStream in, String format) {
        this.in = in;
        this.blocks = in instanceof SeekableXZInputStream s ? s : null;
        this.format = format;
        this.raw = format.equals("raw");
    }

    static ImagePass open(Path image) throws IOException, BadImageException {
        String name = image.getFileName().toString().toLowerCase(Locale.ROOT);
        InputStream file = Files.newInputStream(image);
        try {
            if (name.endsWith(".img.xz")) {
                SeekableXZInputStream seekable = seekable(image);
                if (seekable != null) {
                    file.close();
                    return new ImagePass(seekable, ".xz");
                }
                return new ImagePass(new XZInputStream(new BufferedInputStream(file, BUFFER), XZ_MEMORY_LIMIT_KIB),
                        ".xz");
            } else if (name.endsWith(".img.gz")) {
                return new ImagePass(new GZIPInputStream(file, BUFFER), ".gz");
            } else if (name.endsWith(".img.zst")) {
                return new ImagePass(new ZstdInputStream(new BufferedInputStream(file, BUFFER)), ".zst");
            } else if (name.endsWith(".img")) {
                return new ImagePass(file, "raw");
            }
            file.close();
            throw new BadImageException("An image must be a .img, .img.gz, .img.xz or .img.zst file: " + name);
        } catch (IOException e) {
            file.close();
            throw corrupt(e, name);
        }
    }

    /**
     * A multi-block .xz read through its index, or null: one block (nothing to gain) or an index that does not read
     * (a truncated file: the plain decoder then says where it ends).
     */
    private static SeekableXZInputStream seekable(Path image) throws IOException {
        SeekableFileInputStream file = new SeekableFileInputStream(image.toFile());
        try {
            // each seek starts a block decoder: the cache lends it the last one's dictionary instead of a new one
            SeekableXZInputStream xz = new SeekableXZInputStream(file, XZ_MEMORY_LIMIT_KIB, true,
                    BasicArrayCache.getInstance());
            if (xz.getBlockCount() > 1) {
                return xz;
            }
            xz.close();
            return null;
        } catch (IOException notSeekable) {
            file.close();
            return null;
        }
    }

    /** Whether skipping ahead costs little (a raw file, or an .xz whose blocks can be decoded alone). */
    boolean seekable() {
        return raw || blocks != null;
    }

    long position() {
        return position;
    }

    boolean ended() {
        return ended;
    }

    /** Moves to {@code target} (not before the current position); false if the image ends first. */
    boolean skipTo(long target) throws IOException, BadImageException {
        if (target < position) {
            throw new IllegalStateException("a pass only moves forward: " + target + " < " + position);
        }
        try {
            if (blocks != null && target > position && target < blocks.length()
                    && blocks.getBlockNumber(target) != blocks.getBlockNumber(position)) {
                blocks.seek(target); // decodes from the start of target's block, not from here
                position = target;
            }
            while (position < target) {
                // a raw file seeks; a decoder's own skip may allocate a buffer per call, so it reads into ours
                long n = raw ? in.skip(target - position) : 0;
                if (n <= 0) {
                    int r = in.read(drop, 0, (int) Math.min(drop.length, target - position));
                    if (r < 0) {
                        ended = true;
                        return false;
                    }
                    n = r;
                }
                position += n;
            }
        } catch (IOException e) {
            throw corrupt(e, format);
        }
        return true;
    }

    /** Reads up to {@code length} bytes; fewer only at the end of the image. */
    int read(byte[] data, int from, int length) throws IOException, BadImageException {
        int done = 0;
        try {
            while (done < length) {
                int n = in.read(data, from + done, length - done);
                if (n < 0) {
                    ended = true;
                    break;
                }
                done += n;
            }
        } catch (IOException e) {
            throw corrupt(e, format);
        }
        position += done;
        return done;
    }

    /** A decoder's complaint is the image's fault; anything else (disk, permissions) stays an IOException. */
    private static IOException corrupt(IOException e, String format) throws BadImageException {
        if (e instanceof EOFException) {
            throw new BadImageException("The " + format + " image is truncated (its compressed data ends early)", e);
        }
        if (e instanceof XZIOException || e instanceof ZipException
                || e.getClass().getName().startsWith("com.github.luben.zstd")) {
            throw new BadImageException("The " + format + " image is corrupt: " + e.getMessage(), e);
        }
        return e;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
