package io.rpideploy.ops.image;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An ext2/3/4 file system in a file of its own, read through dumpe2fs. */
final class Ext4 {

    /** A run of free blocks [first, last] of the file system. */
    record FreeRange(long first, long last) {
    }

    record Summary(long blockCount, int blockSize, List<FreeRange> free) {
        long bytes() {
            return blockCount * blockSize;
        }
    }

    private static final Pattern FREE = Pattern.compile("^\\s+Free blocks: (.*)$", Pattern.MULTILINE);

    private Ext4() {
    }

    /** Whether the bytes at {@code offset} of {@code file} start an ext2/3/4 file system (magic EF53 at 1080). */
    static boolean at(Path file, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            if (f.length() < offset + 1082) {
                return false;
            }
            f.seek(offset + 1080);
            return f.read() == 0x53 && f.read() == 0xef;
        }
    }

    static Summary read(Path fs) throws IOException {
        Tool t = Tool.run(600, "dumpe2fs", fs.toString()).orFail();
        long blocks = Long.parseLong(field(t.stdout(), "Block count"));
        int blockSize = Integer.parseInt(field(t.stdout(), "Block size"));
        List<FreeRange> free = new ArrayList<>();
        Matcher m = FREE.matcher(t.stdout());
        while (m.find()) {
            for (String part : m.group(1).split(",")) {
                String range = part.strip();
                if (range.isEmpty()) {
                    continue;
                }
                int dash = range.indexOf('-');
                long first = Long.parseLong(dash < 0 ? range : range.substring(0, dash));
                long last = dash < 0 ? first : Long.parseLong(range.substring(dash + 1));
                free.add(new FreeRange(first, last));
            }
        }
        return new Summary(blocks, blockSize, List.copyOf(free));
    }

    /** resize2fs's estimate of the smallest size the file system can have, in its blocks. */
    static long minimumBlocks(Path fs) throws IOException {
        Tool t = Tool.run(Tool.LONG_SECONDS, "resize2fs", "-P", fs.toString()).orFail();
        Matcher m = Pattern.compile("minimum size of the filesystem: (\\d+)").matcher(t.stdout());
        if (!m.find()) {
            throw new IOException("resize2fs -P gave no minimum size: " + t.lastLines());
        }
        return Long.parseLong(m.group(1));
    }

    private static String field(String dump, String name) throws IOException {
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + ":\\s+(\\d+)", Pattern.MULTILINE).matcher(dump);
        if (!m.find()) {
            throw new IOException("dumpe2fs printed no '" + name + "'");
        }
        return m.group(1);
    }
}
