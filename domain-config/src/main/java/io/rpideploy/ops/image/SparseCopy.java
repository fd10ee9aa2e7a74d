package io.rpideploy.ops.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/** Copies a byte range between files, leaving all-zero 4 KiB blocks as holes when the target is new. */
final class SparseCopy {

    private static final int BLOCK = 4096;
    private static final int BUFFER = 1 << 20;
    private static final byte[] ZEROS = new byte[BLOCK];

    private SparseCopy() {
    }

    /**
     * {@code length} bytes from {@code from} at {@code fromOffset} to {@code to} at {@code toOffset}. With
     * {@code sparse}, zero blocks are skipped (the target must read zeros there: a new file, or one extended past
     * them); without, every byte is written (over an existing image).
     */
    static void copy(FileChannel from, long fromOffset, long length, FileChannel to, long toOffset, boolean sparse)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
        byte[] chunk = new byte[BUFFER];
        long done = 0;
        while (done < length) {
            buffer.clear().limit((int) Math.min(BUFFER, length - done));
            int n = 0;
            while (buffer.hasRemaining()) {
                int r = from.read(buffer, fromOffset + done + n);
                if (r < 0) {
                    throw new IOException("the source ended " + (length - done - n) + " bytes early");
                }
                n += r;
            }
            buffer.flip();
            buffer.get(chunk, 0, n);
            for (int at = 0; at < n; at += BLOCK) {
                int len = Math.min(BLOCK, n - at);
                if (sparse && Arrays.mismatch(chunk, at, at + len, ZEROS, 0, len) < 0) {
                    continue;
                }
                ByteBuffer out = ByteBuffer.wrap(chunk, at, len);
                long position = toOffset + done + at;
                while (out.hasRemaining()) {
                    position += to.write(out, position);
                }
            }
            done += n;
        }
    }
}
