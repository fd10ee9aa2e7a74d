package io.rpideploy.images.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.images.entity.ImageFormat;
import io.rpideploy.platform.control.DomainException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskLayoutTest {

    /** A Raspberry Pi OS card as sfdisk writes it: FAT32 LBA (0x0c) boot, Linux (0x83) root. */
    static byte[] mbrDisk(int size) {
        byte[] disk = new byte[size];
        new Random(size).nextBytes(disk);
        java.util.Arrays.fill(disk, 446, 510, (byte) 0);
        disk[446 + 4] = 0x0c;
        disk[446 + 16 + 4] = (byte) 0x83;
        disk[510] = 0x55;
        disk[511] = (byte) 0xAA;
        return disk;
    }

    @Test
    void anMbrWithPartitionsIsADisk() {
        assertNull(DiskLayout.problem(mbrDisk(4096)));
    }

    @Test
    void aGptBehindItsProtectiveMbrIsADisk() {
        byte[] disk = mbrDisk(4096);
        java.util.Arrays.fill(disk, 446, 510, (byte) 0);
        disk[446 + 4] = (byte) 0xEE;
        System.arraycopy("EFI PART".getBytes(StandardCharsets.US_ASCII), 0, disk, 512, 8);
        assertNull(DiskLayout.problem(java.util.Arrays.copyOf(disk, DiskLayout.HEAD)));
        disk[513] = 'X';
        assertTrue(DiskLayout.problem(disk).contains("no GPT header"));
    }

    @Test
    void randomBytesTextAndEmptyTablesAreNot() {
        byte[] noise = new byte[4096];
        new Random(1).nextBytes(noise);
        noise[510] = 0;
        assertTrue(DiskLayout.problem(noise).contains("no partition table"));
        assertTrue(DiskLayout.problem("#!/bin/sh\necho hi\n".getBytes(StandardCharsets.US_ASCII))
                .contains("shorter than one sector"));
        byte[] empty = mbrDisk(4096);
        java.util.Arrays.fill(empty, 446, 510, (byte) 0);
        assertTrue(DiskLayout.problem(empty).contains("empty"));
    }

    @Test
    void theDigesterHandsOverTheUncompressedHeadOfRawAndCompressedImages() throws Exception {
        byte[] disk = mbrDisk(300_000);
        ImageDigester.Digests raw = ImageDigester.digest(new ByteArrayInputStream(disk), null, ImageFormat.IMG);
        assertNull(DiskLayout.problem(raw.head()));
        assertEquals(DiskLayout.HEAD, raw.head().length);

        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(disk);
        }
        ImageDigester.Digests compressed = ImageDigester.digest(new ByteArrayInputStream(gz.toByteArray()), null,
                ImageFormat.GZ);
        assertNull(DiskLayout.problem(compressed.head()));
        // the compressed bytes themselves are no disk: the check reads what lands on the card
        assertNotNull(DiskLayout.problem(java.util.Arrays.copyOf(gz.toByteArray(), DiskLayout.HEAD)));
        DomainException refused = assertThrows(DomainException.class,
                () -> DiskLayout.require(new byte[600], "image"));
        assertEquals("image", refused.field());
    }

    @Test
    void aStoredImagesHeadIsReadThroughItsDecompressor(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("card.img.gz");
        try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(mbrDisk(100_000));
        }
        assertNull(DiskLayout.problem(DiskLayout.head(file, ImageFormat.GZ)));
    }
}
