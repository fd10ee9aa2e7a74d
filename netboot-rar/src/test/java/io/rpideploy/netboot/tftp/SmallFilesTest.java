package io.rpideploy.netboot.tftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmallFilesTest {

    @TempDir
    Path dir;

    private final SmallFiles cache = new SmallFiles();

    private static BasicFileAttributes attributes(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }

    private static byte[] bytes(TftpTransfer.Content content) throws IOException {
        try (content) {
            ByteBuffer dst = ByteBuffer.allocate((int) content.size());
            content.read(dst, 0);
            return dst.array();
        }
    }

    private byte[] serve(Path file) throws IOException {
        return bytes(cache.open(file, attributes(file)));
    }

    @Test
    void anUnchangedFileIsServedFromMemory() throws IOException {
        Path file = dir.resolve("config.txt");
        Files.writeString(file, "arm_64bit=1\n");
        BasicFileAttributes seen = attributes(file);
        assertArrayEquals("arm_64bit=1\n".getBytes(), bytes(cache.open(file, seen)));
        assertEquals(1, cache.size());
        Files.delete(file);
        // the same attributes again: no open, no read (the file is gone, so a read would fail)
        assertArrayEquals("arm_64bit=1\n".getBytes(), bytes(cache.open(file, seen)));
    }

    @Test
    void aFileWrittenAgainIsReadAgain() throws IOException {
        Path file = dir.resolve("config.txt");
        Files.writeString(file, "AAAA");
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
        assertArrayEquals("AAAA".getBytes(), serve(file));
        Files.writeString(file, "BBBB"); // same size, same inode, a new modification time
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:01Z")));
        assertArrayEquals("BBBB".getBytes(), serve(file));
    }

    @Test
    void aFileReplacedWithTheSameSizeAndTimeIsReadAgain() throws IOException {
        Path file = dir.resolve("config.txt");
        FileTime time = FileTime.from(Instant.parse("2026-01-01T00:00:00Z"));
        Files.writeString(file, "AAAA");
        Files.setLastModifiedTime(file, time);
        assertArrayEquals("AAAA".getBytes(), serve(file));
        Path next = dir.resolve("next");
        Files.writeString(next, "CCCC");
        Files.setLastModifiedTime(next, time);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertArrayEquals("CCCC".getBytes(), serve(file), "another inode");
    }

    @Test
    void largerFilesAreNotKept() throws IOException {
        Path file = dir.resolve("start4.elf");
        byte[] content = new byte[SmallFiles.MAX_FILE + 1];
        new Random(3).nextBytes(content);
        Files.write(file, content);
        assertArrayEquals(content, serve(file));
        assertEquals(0, cache.size());
        BasicFileAttributes seen = attributes(file);
        Files.delete(file);
        assertThrows(NoSuchFileException.class, () -> cache.open(file, seen), "read from disk every time");
    }

    @Test
    void theNumberOfFilesKeptIsBounded() throws IOException {
        for (int i = 0; i <= SmallFiles.MAX_ENTRIES; i++) {
            Path file = dir.resolve("f" + i);
            Files.writeString(file, "file " + i);
            assertArrayEquals(("file " + i).getBytes(), serve(file));
        }
        assertTrue(cache.size() <= SmallFiles.MAX_ENTRIES, cache.size() + " entries");
    }

    @Test
    void aFileThatGrewAfterItsAttributesIsServedAsReadAndNotKept() throws IOException {
        Path file = dir.resolve("growing");
        Files.writeString(file, "1234");
        BasicFileAttributes seen = attributes(file);
        Files.writeString(file, "123456789");
        byte[] served = bytes(cache.open(file, seen));
        assertEquals("12345", new String(served), "what was read: up to one byte past the size seen");
        assertEquals(0, cache.size());
    }
}
