package io.rpideploy.installer.download;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/** The decoder for an image URL's suffix: .gz (JDK zlib), .xz (XZ for Java), .zst (zstd-jni), else raw. */
public final class Decoders {

    /** The compression formats the installer reads. */
    public enum Format { RAW, GZIP, XZ, ZSTD }

    /**
     * Said to the server on {@code /api/config} and every image request: this installer decompresses these, so it
     * gets a compressed image as stored (a client that does not say so gets the raw image).
     */
    public static final String DECOMPRESSES_HEADER = "X-RpiDeploy-Decompresses";
    public static final String DECOMPRESSES = "gz, xz, zst";

    private Decoders() {
    }

    public static Format formatOf(String url) {
        String path = url.replaceFirst("[?#].*$", "").toLowerCase(Locale.ROOT);
        if (path.endsWith(".gz")) {
            return Format.GZIP;
        }
        if (path.endsWith(".xz")) {
            return Format.XZ;
        }
        if (path.endsWith(".zst")) {
            return Format.ZSTD;
        }
        return Format.RAW;
    }

    /** Prefetch of the served (compressed) bytes: 4 x 1 MiB off-heap. */
    static final int PREFETCH_CHUNK = 1 << 20;
    static final int PREFETCH_CHUNKS = 4;

    /**
     * Wraps {@code served} so that it reads the uncompressed image. For a compressed image the served bytes are
     * read (and {@link ImageStream} hashes them) on a thread of their own ({@link PrefetchStream}), beside the
     * decoder; a raw image is read by the writer's decoder stage itself.
     */
    public static InputStream open(Format format, InputStream served) throws IOException {
        switch (format) {
            case GZIP:
                return new GZIPInputStream(prefetch(served), 1 << 16);
            case XZ:
                // multi-block streams (xz -T) are decoded on all cores within 64 MiB; others sequentially
                return ParallelXzInputStream.open(new BufferedInputStream(prefetch(served), 1 << 16),
                        Math.min(4, Runtime.getRuntime().availableProcessors()), 64L << 20);
            case ZSTD:
                // decodes straight into the writer's direct buffers (ZstdDecoder.read(ByteBuffer))
                return new ZstdDecoder(prefetch(served));
            default:
                return served;
        }
    }

    private static PrefetchStream prefetch(InputStream served) {
        return new PrefetchStream(served, PREFETCH_CHUNK, PREFETCH_CHUNKS);
    }
}
