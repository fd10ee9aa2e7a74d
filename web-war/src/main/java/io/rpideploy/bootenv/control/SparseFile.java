package io.rpideploy.bootenv.control;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A scratch copy of part of an image, addressed by its offset in that part: all-zero 4 KiB blocks are never written,
 * so a mostly empty partition costs only its used blocks on disk. Deleted when closed.
 */
final class SparseFile implements Closeable {

    static final int PAGE = 4096;

    private final Path path;
    private final FileChannel channel;
    private long written;

    SparseFile(Path path, long length) throws IOException {
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.SPARSE);
        if (length > 0) {
            // a hole up to the end, so that reads past the last written block give zeros, not EOF
            channel.write(ByteBuffer.wrap(new byte[1]), length - 1);
        }
    }

    Path path() {
        return path;
    }

    /** Bytes actually written (the rest are holes). */
    long written() {
        return written;
    }

    /** Writes what is not zero, in 4 KiB pieces aligned on {@code offset}'s page grid. */
    void write(long offset, byte[] data, int from, int length) throws IOException {
        int end = from + length;
        int i = from;
        while (i < end) {
            long at = offset + (i - from);
            int piece = (int) Math.min(end - i, PAGE - (at % PAGE));
            if (!zero(data, i, piece)) {
                ByteBuffer b = ByteBuffer.wrap(data, i, piece);
                long pos = at;
                while (b.hasRemaining()) {
                    pos += channel.write(b, pos);
                }
                written += piece;
            }
            i += piece;
        }
    }

    /** Fills {@code data} from {@code offset}; holes and anything past the end read as zeros. */
    void read(long offset, byte[] data, int from, int length) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data, from, length);
        long pos = offset;
        while (b.hasRemaining()) {
            int n = channel.read(b, pos);
            if (n < 0) {
                while (b.hasRemaining()) {
                    b.put((byte) 0);
                }
                return;
            }
            pos += n;
        }
    }

    static boolean zero(byte[] data, int from, int length) {
        for (int i = from; i < from + length; i++) {
            if (data[i] != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(path);
        }
    }
}
