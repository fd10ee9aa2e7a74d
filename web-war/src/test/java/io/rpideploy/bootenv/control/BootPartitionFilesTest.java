package io.rpideploy.bootenv.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BootPartitionFilesTest {

    @TempDir
    static Path images;
    static PiTestImage.Built standard;

    @TempDir
    Path out;

    @BeforeAll
    static void buildImage() throws Exception {
        standard = PiTestImage.build(images.resolve("standard"), PiTestImage.Options.standard());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".xz", ".xz-one-block", ".gz", ".zst"})
    void extractsBootFilesAndModulesFromEveryFormat(String extension) throws Exception {
        Path image = extension.isEmpty() ? standard.image() : PiTestImage.compressed(standard, extension);
        Path target = out.resolve("bootenv");
        ImageBootFiles.Extracted x = ImageBootFiles.extract(image, target, out.resolve("scratch"));

        assertEquals(PiTestImage.RELEASE, x.kernelRelease());
        assertBootFiles(standard, target, x);
        assertModules(standard, target, x);
        // a whole-stream format guesses every directory in pass 1; a seekable one fetches level by level
        boolean seeks = extension.isEmpty() || extension.equals(".xz");
        int most = seeks ? 12 : 3;
        assertTrue(x.passes().size() >= 2 && x.passes().size() <= most, "passes: " + x.passes());
        try (Stream<Path> left = Files.list(out.resolve("scratch"))) {
            assertEquals(0, left.count(), "scratch files are deleted");
        }
        try (Stream<Path> beside = Files.list(out)) {
            assertEquals(Set.of("bootenv", "scratch"),
                    beside.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
        }
    }

    @Test
    void scratchFilesAreSparse() throws Exception {
        List<long[]> usage = new ArrayList<>();
        ImageBootFiles.extract(standard.image(), out.resolve("t"), out.resolve("scratch"), paths -> {
            for (Path p : paths) {
                try {
                    String[] stat = PiTestImage.run(out, "stat", "-c", "%s %b %B", p.toString()).trim().split(" ");
                    usage.add(new long[] {Long.parseLong(stat[0]),
                            Long.parseLong(stat[1]) * Long.parseLong(stat[2])});
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        });
        assertEquals(2, usage.size());
        long[] fat = usage.get(0);
        long[] root = usage.get(1);
        assertEquals(standard.fatLength(), fat[0], "the FAT copy has the partition's logical size");
        // 64 MiB logical; the files in it are about 1.2 MB, the FATs 1 MiB
        assertTrue(fat[1] < 4L << 20, "FAT scratch uses " + fat[1] + " bytes on disk");
        // 24 MiB root with a 4 MiB journal and ~1.4 MB of files: only metadata, directories and wanted files are kept
        assertTrue(root[1] < 2L << 20, "root scratch uses " + root[1] + " bytes on disk");
    }

    @Test
    void fat16BootPartitionWithGzipKernel() throws Exception {
        PiTestImage.Built b = PiTestImage.build(images.resolve("fat16"),
                PiTestImage.Options.standard().fat16().withGzipKernel());
        Path target = out.resolve("t");
        ImageBootFiles.Extracted x = ImageBootFiles.extract(b.image(), target, out.resolve("scratch"));
        assertEquals(PiTestImage.RELEASE, x.kernelRelease(), "found through the gzip layer");
        assertBootFiles(b, target, x);
        assertModules(b, target, x);
    }

    @Test
    void gptWithSmallBlocks() throws Exception {
        PiTestImage.Built b = PiTestImage.build(images.resolve("gpt"),
                PiTestImage.Options.standard().withGpt(true).blockSize(1024));
        Path target = out.resolve("t");
        ImageBootFiles.Extracted x = ImageBootFiles.extract(b.image(), target, out.resolve("scratch"));
        assertEquals(PiTestImage.RELEASE, x.kernelRelease());
        assertBootFiles(b, target, x);
        assertModules(b, target, x);
    }

    @Test
    void kernelWhoseReleaseIsNotInTheRootGivesNoModules() throws Exception {
        PiTestImage.Built b = PiTestImage.build(images.resolve("other"),
                PiTestImage.Options.standard().banner("6.6.99+rpt-rpi-2712"));
        Path target = out.resolve("t");
        ImageBootFiles.Extracted x = ImageBootFiles.extract(b.image(), target, out.resolve("scratch"));
        assertEquals("6.6.99+rpt-rpi-2712", x.kernelRelease());
        assertEquals(List.of(), x.modules());
        assertFalse(Files.exists(target.resolve("modules")));
        assertTrue(x.warnings().stream().anyMatch(w -> w.contains("/lib/modules/6.6.99+rpt-rpi-2712")
                && w.contains("[" + PiTestImage.RELEASE + ", " + PiTestImage.OTHER_RELEASE + "]")),
                "the warning lists the releases there are: " + x.warnings());
    }

    static void assertBootFiles(PiTestImage.Built b, Path target, ImageBootFiles.Extracted x) throws Exception {
        Set<String> written = new TreeSet<>();
        try (Stream<Path> all = Files.walk(target)) {
            all.filter(Files::isRegularFile).map(p -> target.relativize(p).toString())
                    .filter(p -> !p.startsWith("modules/")).forEach(written::add);
        }
        Set<String> expected = new TreeSet<>(PiTestImage.EXPECTED_BOOT);
        for (int i = 0; i < 40; i++) {
            expected.add("overlays/overlay-number-" + i + ".dtbo");
        }
        assertEquals(expected, written);
        assertEquals(expected, new TreeSet<>(x.files()));
        for (String f : expected) {
            String original = f.startsWith("image/") ? f.substring(6) : f;
            assertArrayEquals(Files.readAllBytes(b.boot().resolve(original)), Files.readAllBytes(target.resolve(f)), f);
        }
    }

    static void assertModules(PiTestImage.Built b, Path target, ImageBootFiles.Extracted x) throws Exception {
        String base = "lib/modules/" + PiTestImage.RELEASE + "/";
        Set<String> expected = new TreeSet<>();
        for (String m : PiTestImage.EXPECTED_MODULES) {
            expected.add(base + m);
        }
        for (String index : List.of("modules.order", "modules.dep", "modules.builtin")) {
            expected.add(base + index);
        }
        expected.add("etc/rpideploy/modules.order");
        assertEquals(expected, new TreeSet<>(x.modules()));
        Path modules = target.resolve("modules");
        Set<String> onDisk = new TreeSet<>();
        try (Stream<Path> all = Files.walk(modules)) {
            all.filter(Files::isRegularFile).map(p -> modules.relativize(p).toString()).forEach(onDisk::add);
        }
        assertEquals(expected, onDisk);
        for (String m : expected) {
            if (m.startsWith(base)) { // from the 2712 release folder, not the v8 one of the same names
                assertArrayEquals(Files.readAllBytes(b.root().resolve("usr/" + m)),
                        Files.readAllBytes(modules.resolve(m)), m);
            }
        }
        List<String> order = Files.readAllLines(modules.resolve("etc/rpideploy/modules.order"));
        assertEquals(new TreeSet<>(PiTestImage.EXPECTED_MODULES), new TreeSet<>(order));
        Set<String> loaded = new HashSet<>();
        for (String m : order) {
            for (String dep : PiTestImage.MODULES.get(m)) {
                assertTrue(loaded.contains(dep), dep + " must come before " + m + " in " + order);
            }
            loaded.add(m);
        }
        assertNull(x.warnings().stream().filter(w -> w.contains("modules")).findFirst().orElse(null),
                "warnings: " + x.warnings());
    }
}
