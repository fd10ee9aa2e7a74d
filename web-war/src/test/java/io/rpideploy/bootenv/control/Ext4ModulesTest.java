package io.rpideploy.bootenv.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Root file system layouts the module extraction must read: old layouts, deep extent trees, symlinks. */
class Ext4ModulesTest {

    private static final String MODULE_DIR = "usr/lib/modules/" + PiTestImage.RELEASE;

    @TempDir
    Path dir;

    @Test
    void classicLayoutWithoutFlexBgOr64Bit() throws Exception {
        // 1 KiB blocks, 8 MiB groups: three groups, each with its own inode table; 32-byte group descriptors
        PiTestImage.Built b = PiTestImage.build(dir.resolve("img"), PiTestImage.Options.standard().blockSize(1024)
                .features("^flex_bg,^64bit,^metadata_csum,uninit_bg"));
        assertExtracted(b);
    }

    @Test
    void piGenRootFeatures() throws Exception {
        // pi-gen's export-image makes the root with -O ^huge_file,^metadata_csum,^64bit: 32-byte descriptors and
        // uninit_bg checksums instead of metadata_csum
        PiTestImage.Built b = PiTestImage.build(dir.resolve("img"), PiTestImage.Options.standard()
                .features("^huge_file,^metadata_csum,^64bit"));
        assertExtracted(b);
    }

    @Test
    void fragmentedModuleWithAnExtentIndexBlock() throws Exception {
        // free every other small file, then write ext4.ko.xz again from the root folder (where debugfs looks for
        // free blocks first) and link it into place: many short extents, more than the four the inode holds, so
        // its tree has an index level
        StringBuilder cmds = new StringBuilder();
        for (int i = 1; i < 300; i += 2) {
            cmds.append("rm filler/f").append(i).append('\n');
        }
        String module = MODULE_DIR + "/kernel/fs/ext4/ext4.ko.xz";
        cmds.append("rm ").append(module).append('\n')
                .append("write $ROOT/").append(module).append(" frag\n")
                .append("link frag ").append(module).append('\n')
                .append("unlink frag\n");
        PiTestImage.Built b = PiTestImage.build(dir.resolve("img"), PiTestImage.Options.standard().blockSize(1024)
                .extras(root -> {
                    Files.createDirectories(root.resolve("filler"));
                    for (int i = 0; i < 300; i++) {
                        Files.write(root.resolve("filler/f" + i), PiTestImage.bytes(2048, 1000 + i));
                    }
                }).debugfs(cmds.toString()));
        Path root = dir.resolve("root.part");
        extractPartition(b, root);
        String tree = PiTestImage.run(dir, "debugfs", "-R", "ex /" + MODULE_DIR + "/kernel/fs/ext4/ext4.ko.xz",
                root.toString());
        assertTrue(tree.contains(" 0/ 1 "), "ext4.ko.xz should have a two-level extent tree:\n" + tree);
        PiTestImage.run(dir, "e2fsck", "-fn", root.toString()); // the edit left a consistent file system
        assertExtracted(b);
    }

    @Test
    void releaseFolderReachedThroughASymlink() throws Exception {
        PiTestImage.Built b = PiTestImage.build(dir.resolve("img"), PiTestImage.Options.standard().extras(root -> {
            Path real = root.resolve("usr/lib/modules/real-" + PiTestImage.RELEASE);
            Files.move(root.resolve(MODULE_DIR), real);
            Files.createSymbolicLink(root.resolve(MODULE_DIR), Path.of(real.getFileName().toString()));
        }));
        Path target = dir.resolve("t");
        ImageBootFiles.Extracted x = ImageBootFiles.extract(b.image(), target, dir.resolve("scratch"));
        assertEquals(PiTestImage.EXPECTED_MODULES.size() + 4, x.modules().size(), x.modules().toString());
        for (String m : PiTestImage.EXPECTED_MODULES) {
            assertTrue(java.util.Arrays.equals(
                    Files.readAllBytes(b.root().resolve("usr/lib/modules/real-" + PiTestImage.RELEASE + "/" + m)),
                    Files.readAllBytes(target.resolve("modules/lib/modules/" + PiTestImage.RELEASE + "/" + m))), m);
        }
    }

    @Test
    void symlinkLoopIsRefused() throws Exception {
        PiTestImage.Built b = PiTestImage.build(dir.resolve("img"), PiTestImage.Options.standard().extras(root -> {
            Files.delete(root.resolve("lib"));
            Files.createSymbolicLink(root.resolve("lib"), Path.of("lib2"));
            Files.createSymbolicLink(root.resolve("lib2"), Path.of("/lib"));
        }));
        Path target = dir.resolve("t");
        BadImageException e = assertThrows(BadImageException.class,
                () -> ImageBootFiles.extract(b.image(), target, dir.resolve("scratch")));
        assertTrue(e.getMessage().contains("symlink loop"), e.getMessage());
        assertFalse(Files.exists(target));
    }

    @Test
    void noRootPartitionStillGivesTheBootFiles() throws Exception {
        PiTestImage.Built b = PiTestImage.build(dir.resolve("img"), PiTestImage.Options.standard());
        try (RandomAccessFile f = new RandomAccessFile(b.image().toFile(), "rw")) {
            f.seek(446 + 16);
            f.write(new byte[16]); // drop partition 2 from the MBR
        }
        Path target = dir.resolve("t");
        ImageBootFiles.Extracted x = ImageBootFiles.extract(b.image(), target, dir.resolve("scratch"));
        assertEquals(PiTestImage.RELEASE, x.kernelRelease());
        assertEquals(0, x.modules().size());
        assertTrue(x.warnings().stream().anyMatch(w -> w.contains("no Linux root partition")), x.warnings().toString());
        BootPartitionFilesTest.assertBootFiles(b, target, x);
    }

    private void assertExtracted(PiTestImage.Built b) throws Exception {
        Path target = dir.resolve("t");
        ImageBootFiles.Extracted x = ImageBootFiles.extract(b.image(), target, dir.resolve("scratch"));
        assertEquals(PiTestImage.RELEASE, x.kernelRelease());
        BootPartitionFilesTest.assertBootFiles(b, target, x);
        BootPartitionFilesTest.assertModules(b, target, x);
    }

    private static void extractPartition(PiTestImage.Built b, Path to) throws Exception {
        try (RandomAccessFile in = new RandomAccessFile(b.image().toFile(), "r");
             RandomAccessFile out = new RandomAccessFile(to.toFile(), "rw")) {
            byte[] buf = new byte[1 << 20];
            in.seek(b.rootOffset());
            long left = 24L << 20;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                out.write(buf, 0, n);
                left -= n;
            }
        }
    }
}
