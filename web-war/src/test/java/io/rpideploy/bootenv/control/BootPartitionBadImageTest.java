package io.rpideploy.bootenv.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Damaged images: a checked exception with a message an operator understands, and nothing left in the target. */
class BootPartitionBadImageTest {

    @TempDir
    static Path images;
    static PiTestImage.Built standard;

    @TempDir
    Path out;

    @BeforeAll
    static void buildImage() throws Exception {
        standard = PiTestImage.build(images.resolve("standard"), PiTestImage.Options.standard());
    }

    @Test
    void truncatedInsideTheBootPartition() throws Exception {
        Path cut = copy("cut-boot.img");
        truncate(cut, standard.fatOffset() + standard.fatLength() / 2);
        assertRefused(cut, "truncated");
    }

    @Test
    void truncatedInsideTheRootPartition() throws Exception {
        Path cut = copy("cut-root.img");
        truncate(cut, standard.rootOffset() + (2 << 20));
        assertRefused(cut, "truncated");
    }

    @ParameterizedTest
    @ValueSource(strings = {".xz", ".xz-one-block", ".gz", ".zst"})
    void truncatedCompressedImage(String variant) throws Exception {
        Path whole = PiTestImage.compressed(standard, variant);
        Path cut = out.resolve("cut.img" + (variant.startsWith(".xz") ? ".xz" : variant));
        Files.copy(whole, cut);
        truncate(cut, Files.size(whole) / 2);
        assertRefused(cut, "truncated");
    }

    @ParameterizedTest
    @ValueSource(strings = {".xz", ".xz-one-block", ".gz", ".zst"})
    void corruptCompressedImage(String variant) throws Exception {
        String extension = variant.startsWith(".xz") ? ".xz" : variant;
        Path whole = PiTestImage.compressed(standard, variant);
        Path bad = out.resolve("bad.img" + extension);
        Files.copy(whole, bad);
        try (RandomAccessFile f = new RandomAccessFile(bad.toFile(), "rw")) {
            for (long at = 64; at < Files.size(whole) - 64; at += Files.size(whole) / 8) {
                f.seek(at);
                f.write(new byte[] {0x55, (byte) 0xaa, 0x12, 0x34, 0x56, 0x78, (byte) 0x9a, (byte) 0xbc});
            }
        }
        assertRefused(bad, extension);
    }

    @Test
    void noPartitionTable() throws Exception {
        Path blank = copy("blank.img");
        try (RandomAccessFile f = new RandomAccessFile(blank.toFile(), "rw")) {
            f.write(new byte[512]);
        }
        assertRefused(blank, "no partition table");
    }

    @Test
    void fatChainLoop() throws Exception {
        Path loop = copy("loop.img");
        // mtools shows the kernel's clusters, e.g. "::/kernel_2712.img <3-295>"
        Path fat = fatPartition();
        String shown = PiTestImage.run(out, "mshowfat", "-i", fat.toString(), "::/kernel_2712.img");
        Matcher m = Pattern.compile("<(\\d+)-(\\d+)").matcher(shown);
        assertTrue(m.find(), shown);
        long first = Long.parseLong(m.group(1));
        long last = Long.parseLong(m.group(2));
        try (RandomAccessFile f = new RandomAccessFile(loop.toFile(), "rw")) {
            byte[] bpb = new byte[512];
            f.seek(standard.fatOffset());
            f.readFully(bpb);
            ByteBuffer b = ByteBuffer.wrap(bpb).order(ByteOrder.LITTLE_ENDIAN);
            long reserved = b.getShort(14) & 0xffff;
            long fatBytes = Integer.toUnsignedLong(b.getInt(36)) * 512;
            for (int copy = 0; copy < 2; copy++) { // both FATs: the last cluster points back to the first
                f.seek(standard.fatOffset() + reserved * 512 + copy * fatBytes + last * 4);
                f.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) first).array());
            }
        }
        assertRefused(loop, "loops");
    }

    @Test
    void fatDirectoryCycle() throws Exception {
        Path cycle = copy("cycle.img");
        Path fat = fatPartition();
        String shown = PiTestImage.run(out, "mshowfat", "-i", fat.toString(), "::/overlays");
        List<Long> clusters = new ArrayList<>(); // "::/overlays <2084-2090> <3001>": the folder's cluster runs
        Matcher run = Pattern.compile("<(\\d+)(?:-(\\d+))?>").matcher(shown);
        while (run.find()) {
            long from = Long.parseLong(run.group(1));
            long to = run.group(2) == null ? from : Long.parseLong(run.group(2));
            for (long c = from; c <= to; c++) {
                clusters.add(c);
            }
        }
        assertFalse(clusters.isEmpty(), shown);
        long overlays = clusters.get(0);
        try (RandomAccessFile f = new RandomAccessFile(cycle.toFile(), "rw")) {
            byte[] bpb = new byte[512];
            f.seek(standard.fatOffset());
            f.readFully(bpb);
            ByteBuffer b = ByteBuffer.wrap(bpb).order(ByteOrder.LITTLE_ENDIAN);
            long reserved = b.getShort(14) & 0xffff;
            long fatSectors = Integer.toUnsignedLong(b.getInt(36));
            int clusterBytes = (bpb[13] & 0xff) * 512;
            long data = standard.fatOffset() + (reserved + 2 * fatSectors) * 512;
            // overlays/sub's short entry "SUB" now points back at overlays itself
            boolean patched = false;
            byte[] dir = new byte[clusterBytes];
            for (long c : clusters) {
                long at0 = data + (c - 2) * clusterBytes;
                f.seek(at0);
                f.readFully(dir);
                for (int at = 0; at + 32 <= dir.length; at += 32) {
                    if (new String(dir, at, 11, StandardCharsets.US_ASCII).equals("SUB        ")) {
                        f.seek(at0 + at + 20);
                        f.write(new byte[] {(byte) (overlays >> 16), (byte) (overlays >> 24)});
                        f.seek(at0 + at + 26);
                        f.write(new byte[] {(byte) overlays, (byte) (overlays >> 8)});
                        patched = true;
                    }
                }
            }
            assertTrue(patched, "the SUB entry was found in " + shown);
        }
        assertRefused(cycle, "loops back");
    }

    @Test
    void fileLargerThanThePartition() throws Exception {
        Path huge = copy("huge.img");
        // kernel_2712.img's short entry (KERNEL~1IMG) claims 3.5 GB
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            byte[] part = new byte[(int) standard.fatLength()];
            f.seek(standard.fatOffset());
            f.readFully(part);
            int found = 0;
            for (int at = 0; at + 32 <= part.length; at += 32) {
                if (new String(part, at, 11, StandardCharsets.US_ASCII).equals("KERNEL~1IMG")) {
                    f.seek(standard.fatOffset() + at + 28);
                    f.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) 3_500_000_000L).array());
                    found++;
                }
            }
            assertEquals(1, found);
        }
        assertRefused(huge, "more than the partition holds");
    }

    @Test
    void noFatPartition() throws Exception {
        Path linux = copy("linux-only.img");
        try (RandomAccessFile f = new RandomAccessFile(linux.toFile(), "rw")) {
            f.seek(446 + 4);
            f.write(0x83); // partition 1 typed as Linux
        }
        assertRefused(linux, "no FAT boot partition");
    }

    @Test
    void noDeviceTreeIsNotAPi5Image() throws Exception {
        PiTestImage.Built b = PiTestImage.build(images.resolve("nodtb"), PiTestImage.Options.standard().noDtbs());
        assertRefused(b.image(), "bcm2712");
    }

    @Test
    void blockMappedRootIsRefused() throws Exception {
        PiTestImage.Built b = PiTestImage.build(images.resolve("blockmaps"),
                PiTestImage.Options.standard().blockMaps());
        assertRefused(b.image(), "block maps");
    }

    @Test
    void unknownFormat() throws Exception {
        Path iso = out.resolve("pi.iso");
        Files.copy(standard.image(), iso);
        assertRefused(iso, ".img");
    }

    @Test
    void nonEmptyTargetIsNotOverwritten() throws Exception {
        Path target = out.resolve("t");
        Files.createDirectories(target);
        Files.writeString(target.resolve("keep"), "x");
        assertThrows(FileAlreadyExistsException.class,
                () -> ImageBootFiles.extract(standard.image(), target, out.resolve("scratch")));
        assertEquals("x", Files.readString(target.resolve("keep")));
    }

    private void assertRefused(Path image, String expected) throws Exception {
        Path target = out.resolve("target");
        BadImageException e = assertThrows(BadImageException.class,
                () -> ImageBootFiles.extract(image, target, out.resolve("scratch")));
        assertTrue(e.getMessage().toLowerCase().contains(expected.toLowerCase()), e.getMessage());
        assertFalse(Files.exists(target), "no partial target");
        try (Stream<Path> beside = Files.list(out)) {
            Set<String> names = beside.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
            assertTrue(names.stream().noneMatch(n -> n.contains(".part-")), "work folder left: " + names);
        }
        try (Stream<Path> scratch = Files.list(out.resolve("scratch"))) {
            assertEquals(0, scratch.count(), "scratch left");
        }
    }

    private Path copy(String name) throws Exception {
        Path p = out.resolve(name);
        Files.copy(standard.image(), p, StandardCopyOption.REPLACE_EXISTING);
        return p;
    }

    private static void truncate(Path p, long size) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size);
        }
    }

    /** The standard image's FAT partition as a file of its own, for mtools to show a file's clusters. */
    private Path fatPartition() throws Exception {
        Path fat = out.resolve("fat.part");
        try (var in = new RandomAccessFile(standard.image().toFile(), "r");
             var part = new RandomAccessFile(fat.toFile(), "rw")) {
            byte[] buf = new byte[(int) standard.fatLength()];
            in.seek(standard.fatOffset());
            in.readFully(buf);
            part.write(buf);
        }
        return fat;
    }
}
