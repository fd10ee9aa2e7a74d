package io.rpideploy.bootenv.control;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The release a kernel image was built as, from its banner "Linux version 6.12.34+rpt-rpi-2712 (...)". A Pi kernel is a
 * raw arm64 Image ("ARM\x64" at offset 56, Documentation/arch/arm64/booting.rst) or that Image gzip-compressed.
 */
final class KernelImage {

    private static final byte[] BANNER = "Linux version ".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_RELEASE = 64; // utsname release is 64 bytes

    private KernelImage() {
    }

    /** The release, or null when no banner is found. */
    static String release(Path kernel) throws IOException {
        byte[] magic = new byte[2];
        try (InputStream in = Files.newInputStream(kernel)) {
            if (in.readNBytes(magic, 0, 2) < 2) {
                return null;
            }
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(kernel), 1 << 16)) {
            InputStream in = (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b ? new GZIPInputStream(raw) : raw;
            return scan(in);
        } catch (ZipException | EOFException e) {
            return null; // a damaged gzip kernel has no readable banner
        }
    }

    /** Streams through the image once with a small window so that a banner split across reads is still found. */
    static String scan(InputStream in) throws IOException {
        int keep = BANNER.length + MAX_RELEASE + 1;
        byte[] window = new byte[(1 << 16) + keep];
        int filled = 0;
        while (true) {
            int n = in.read(window, filled, window.length - filled);
            if (n < 0) {
                return find(window, 0, filled, filled);
            }
            filled += n;
            if (filled == window.length) {
                int limit = filled - keep;
                String release = find(window, 0, limit, filled);
                if (release != null) {
                    return release;
                }
                System.arraycopy(window, limit, window, 0, keep);
                filled = keep;
            }
        }
    }

    private static String find(byte[] w, int from, int to, int filled) {
        for (int i = from; i < to; i++) {
            if (matches(w, i, filled)) {
                String release = token(w, i + BANNER.length, filled);
                if (release != null) {
                    return release;
                }
            }
        }
        return null;
    }

    private static boolean matches(byte[] w, int at, int filled) {
        if (at + BANNER.length > filled) {
            return false;
        }
        for (int j = 0; j < BANNER.length; j++) {
            if (w[at + j] != BANNER[j]) {
                return false;
            }
        }
        return true;
    }

    /** A release starts with a digit and holds only the characters a release string uses; it ends at a space. */
    private static String token(byte[] w, int from, int filled) {
        int end = from;
        while (end < filled && end - from <= MAX_RELEASE) {
            int c = w[end] & 0xff;
            if (c == ' ') {
                break;
            }
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || c == '.' || c == '-' || c == '+' || c == '_' || c == '~';
            if (!ok) {
                return null;
            }
            end++;
        }
        if (end == from || end >= filled || end - from > MAX_RELEASE || w[end] != ' '
                || !(w[from] >= '0' && w[from] <= '9')) {
            return null;
        }
        return new String(w, from, end - from, StandardCharsets.US_ASCII);
    }

    /** Whether the file starts like a raw arm64 Image: magic 0x644d5241 ("ARM\x64") at offset 56. */
    static boolean rawArm64(byte[] head) {
        return head.length >= 60 && head[56] == 'A' && head[57] == 'R' && head[58] == 'M' && head[59] == 0x64;
    }
}
