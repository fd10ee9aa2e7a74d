package io.rpideploy.netboot.tftp;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Small boot files kept in memory while they stay the same file with the same size and modification time, as the
 * {@code lstat} of the engine's confinement check reports them. A Pi fetches the same few small files (config.txt,
 * the device tree overlays' map, fixup files) on every boot, and a short transfer's first answer otherwise waits for
 * an open, a size, a read and a close; with this it waits for none. A file that changes gets a new modification time
 * (or a new inode when replaced) and is read again on the next request.
 */
final class SmallFiles {

    /** Files of at most this many bytes are kept. */
    static final int MAX_FILE = TftpTransfer.SMALL;
    /** Entries at most (4 MiB at most in all); when full the map starts again empty. */
    static final int MAX_ENTRIES = 256;

    private record Entry(long size, FileTime modified, Object fileKey, byte[] bytes) {
        boolean matches(BasicFileAttributes attributes) {
            return size == attributes.size() && modified.equals(attributes.lastModifiedTime())
                    && Objects.equals(fileKey, attributes.fileKey());
        }
    }

    private final Map<Path, Entry> entries = new ConcurrentHashMap<>();

    /**
     * The content of {@code real} (a regular file's real path, checked by the caller), from memory when its
     * attributes are still those it was read with.
     */
    TftpTransfer.Content open(Path real, BasicFileAttributes attributes) throws IOException {
        if (attributes.size() > MAX_FILE || attributes.fileKey() == null) {
            return TftpTransfer.Content.open(real);
        }
        Entry entry = entries.get(real);
        if (entry != null && entry.matches(attributes)) {
            return TftpTransfer.Content.of(entry.bytes());
        }
        byte[] bytes = read(real, (int) attributes.size());
        if (bytes.length == attributes.size()) {
            // a file that changed between the lstat and the read is served as read, and kept only when it still has
            // the size the lstat saw (its next request compares the attributes again anyway)
            if (entries.size() >= MAX_ENTRIES) {
                entries.clear();
            }
            entries.put(real, new Entry(attributes.size(), attributes.lastModifiedTime(), attributes.fileKey(), bytes));
        }
        return TftpTransfer.Content.of(bytes);
    }

    int size() {
        return entries.size();
    }

    /** Up to {@code size} bytes and one more (to see whether it grew), without following a link. */
    private static byte[] read(Path real, int size) throws IOException {
        try (FileChannel channel = FileChannel.open(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            return TftpTransfer.readUpTo(channel, size + 1);
        }
    }
}
