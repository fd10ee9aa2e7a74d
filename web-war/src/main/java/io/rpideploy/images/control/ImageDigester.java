package io.rpideploy.images.control;

import com.github.luben.zstd.ZstdInputStream;
import io.rpideploy.images.entity.ImageFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.tukaani.xz.MemoryLimitException;
import org.tukaani.xz.XZInputStream;

/**
 * Reads an image once: every byte goes to the target file (if any) and into the SHA-256 of the file as served; for a
 * compressed image the same bytes feed a decompressor whose output gives the uncompressed size and SHA-256. One
 * pass, one thread, a fixed buffer: the decompressor pulls the source through a tee.
 */
public final class ImageDigester {

    static final int BUFFER = 256 * 1024;
    /** The largest xz dictionary we decode (xz -9 uses 64 MiB); bigger ones leave the uncompressed fields unknown. */
    static final int XZ_MEMORY_LIMIT_KIB = 128 * 1024;

    private ImageDigester() {
    }

    /**
     * What was read: sizes and SHA-256 (lower-case hex), and the first {@link DiskLayout#HEAD} bytes of the
     * uncompressed content; the uncompressed ones null when unknown.
     */
    public record Digests(long size, String checksum, Long uncompressedSize, String uncompressedChecksum,
                          byte[] head) {
    }

    /** The source (client gone) or the target (disk full) failed: not the image's fault. */
    public static final class TransferFailed extends IOException {
        private final boolean source;

        public TransferFailed(IOException cause, boolean source) {
            super(cause.getMessage(), cause);
            this.source = source;
        }

        /** Whether reading failed (the client), rather than writing (the server's disk). */
        public boolean source() {
            return source;
        }
    }

    /** The file is not a valid stream of the format its name announces. */
    public static final class InvalidImage extends Exception {
        public InvalidImage(String message) {
            super(message, null, false, false);
        }
    }

    public static Digests digest(InputStream source, OutputStream target, ImageFormat format)
            throws TransferFailed, InvalidImage {
        Tee tee = new Tee(source, target);
        Long uncompressedSize = null;
        String uncompressedChecksum = null;
        byte[] head = null;
        byte[] buffer = new byte[BUFFER];
        try {
            if (format.compressed()) {
                MessageDigest plain = sha256();
                long count = 0;
                byte[] start = new byte[DiskLayout.HEAD];
                boolean known = true;
                try (InputStream decompressed = decompressor(tee, format)) {
                    // ends at the end of the compressed data; each read returns at least one byte or -1
                    for (int n = decompressed.read(buffer); n >= 0; n = decompressed.read(buffer)) {
                        plain.update(buffer, 0, n);
                        if (count < start.length) {
                            System.arraycopy(buffer, 0, start, (int) count, (int) Math.min(n, start.length - count));
                        }
                        count += n;
                    }
                } catch (MemoryLimitException tooBig) {
                    known = false;
                } catch (IOException e) {
                    if (tee.failure != null) {
                        throw tee.failure;
                    }
                    if (e.getMessage() != null && e.getMessage().contains("memory")) {
                        known = false; // zstd: a frame whose window exceeds the decoder's limit
                    } else {
                        throw new InvalidImage("The file is not a valid " + format.extension() + " image: "
                                + (e instanceof ZipException || e.getMessage() == null ? "corrupt data"
                                : e.getMessage()));
                    }
                }
                if (known) {
                    uncompressedSize = count;
                    uncompressedChecksum = HexFormat.of().formatHex(plain.digest());
                    head = Arrays.copyOf(start, (int) Math.min(count, start.length));
                }
            }
            // the rest of the source (a raw image, or what the decompressor did not need)
            int n = 0;
            while (n >= 0) { // the tee writes and hashes; each read returns at least one byte or -1
                n = tee.read(buffer);
            }
        } catch (TransferFailed e) {
            throw e;
        } catch (IOException e) {
            throw tee.failure != null ? tee.failure : new TransferFailed(e, true);
        }
        if (!format.compressed()) {
            uncompressedSize = tee.count;
            head = Arrays.copyOf(tee.head, (int) Math.min(tee.count, tee.head.length));
        }
        String checksum = HexFormat.of().formatHex(tee.digest.digest());
        return new Digests(tee.count, checksum, uncompressedSize,
                format.compressed() ? uncompressedChecksum : checksum, head);
    }

    static InputStream decompressor(InputStream in, ImageFormat format) throws IOException {
        return switch (format) {
            case GZ -> new GZIPInputStream(in, BUFFER);
            case XZ -> new XZInputStream(in, XZ_MEMORY_LIMIT_KIB);
            case ZST -> new ZstdInputStream(in);
            case IMG -> in;
        };
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /** Passes the source through, writing and hashing every byte; remembers a failure of either side. */
    private static final class Tee extends InputStream {
        private final InputStream source;
        private final OutputStream target;
        private final MessageDigest digest = sha256();
        private final byte[] head = new byte[DiskLayout.HEAD];
        private long count;
        private TransferFailed failure;

        Tee(InputStream source, OutputStream target) {
            this.source = source;
            this.target = target;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (failure != null) {
                throw failure;
            }
            int n;
            try {
                n = source.read(b, off, len);
            } catch (IOException e) {
                failure = new TransferFailed(e, true);
                throw failure;
            }
            if (n > 0) {
                if (target != null) {
                    try {
                        target.write(b, off, n);
                    } catch (IOException e) {
                        failure = new TransferFailed(e, false);
                        throw failure;
                    }
                }
                digest.update(b, off, n);
                if (count < head.length) {
                    System.arraycopy(b, off, head, (int) count, (int) Math.min(n, head.length - count));
                }
                count += n;
            }
            return n;
        }

        @Override
        public void close() {
            // the caller owns the source
        }
    }
}
