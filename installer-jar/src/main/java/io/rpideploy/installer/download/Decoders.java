package io.rpideploy.installer.download;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/** The decoder for an image URL's suffix: .gz (JDK zlib), .xz (XZ for Java), .zst (zstd-jni), else raw. */
public final class Decoders {

    /** The compression formats the installer reads. */
    public enum Format { RAW, GZIP, XZ, ZSTD }

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

    /** Wraps {@code served} so that it reads the uncompressed image. */
    public static InputStream open(Format format, InputStream served) throws IOException {
        switch (format) {
            case GZIP:
                return new GZIPInputStream(served, 1 << 16);
            case XZ:
                // multi-block streams (xz -T) are decoded on all cores within 64 MiB; others sequentially
                return ParallelXzInputStream.open(new BufferedInputStream(served, 1 << 16),
                        Math.min(4, Runtime.getRuntime().availableProcessors()), 64L << 20);
            case ZSTD:
                ZstdInputStreamNoFinalizer z = new ZstdInputStreamNoFinalizer(new BufferedInputStream(served, 1 << 17));
                z.setContinuous(false);
                return z;
            default:
                return served;
        }
    }
}
