package io.rpideploy.ops.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rpideploy.installer.download.BlockMap;
import io.rpideploy.ops.OpsEnvironment;
import io.rpideploy.ops.TestData;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rpideploy image prepare} on Pi-OS-shaped cards, checked afterwards with independent tools. */
class ImagePrepareTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void tools() {
        for (String tool : List.of("sfdisk", "e2fsck", "resize2fs", "dumpe2fs", "debugfs", "mkfs.ext4", "mkfs.vfat",
                "mcopy", "mtype", "zstd", "xz")) {
            assumeTrue(Tool.installed(tool), tool + " not installed (.ci/run installs it)");
        }
    }

    private int run(String... args) {
        OpsEnvironment env = TestData.env(dir.resolve("home"));
        return runWith(env, args);
    }

    private int runWith(OpsEnvironment env, String... args) {
        List<String> all = new ArrayList<>(List.of("image"));
        all.addAll(List.of(args));
        return io.rpideploy.ops.OpsAccess.run(all, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shrinksACardIntoAnImageThatIndependentToolsAccept() throws Exception {
        PiCard card = PiCard.build(dir, "card.img", 320, true);
        byte[] inputSum = sha256(card.image);
        long inputSize = Files.size(card.image);

        assertEquals(0, run("prepare", card.image.toString()), out() + err());

        Path image = dir.resolve("card-prepared.img");
        assertArrayEquals(inputSum, sha256(card.image), "the input is never modified without --in-place");
        long size = Files.size(image);
        assertTrue(size < inputSize / 2, "smaller: " + size + " of " + inputSize);
        assertEquals(0, size % ImagePreparer.ALIGN, "the file ends on 4 MiB: " + size);
        assertTrue(out().contains("working on a copy"), out());

        // the partition table (sfdisk): the root partition shrunk, same start, ends where the file ends
        JsonArray parts = table(image).getJsonArray("partitions");
        assertEquals(2, parts.size());
        JsonObject root = parts.getJsonObject(1);
        assertEquals(PiCard.ROOT_START, root.getJsonNumber("start").longValue());
        assertEquals("83", root.getString("type"));
        assertEquals(size, (root.getJsonNumber("start").longValue() + root.getJsonNumber("size").longValue()) * 512);
        assertEquals(PiCard.BOOT_SECTORS, parts.getJsonObject(0).getJsonNumber("size").longValue());
        assertEquals("0x5e3da1b0", table(image).getString("id"), "the disk id (PARTUUIDs in cmdline/fstab) stays");

        // the root file system: clean, fits the partition, files intact
        String fs = image + "?offset=" + PiCard.rootOffset();
        Tool fsck = Tool.run(120, "e2fsck", "-fn", fs);
        assertEquals(0, fsck.exit(), fsck.stdout() + fsck.stderr());
        Tool dump = Tool.run(60, "dumpe2fs", "-h", fs);
        long fsBytes = number(dump.stdout(), "Block count") * number(dump.stdout(), "Block size");
        assertTrue(fsBytes <= size - PiCard.rootOffset() && fsBytes > 6 << 20, "file system " + fsBytes);
        assertEquals("raspberrypi\n", Tool.must(60, "debugfs", "-R", "cat /etc/hostname", fs).stdout());
        for (String file : List.of("home/pi/app.bin", "home/pi/zeros.bin", "usr/lib/raspberrypi-sys-mods/firstboot")) {
            Path copy = dir.resolve("dumped.bin");
            Files.deleteIfExists(copy);
            Tool.must(60, "debugfs", "-R", "dump /" + file + " " + copy, fs);
            assertArrayEquals(sha256(card.rootDir.resolve(file)), sha256(copy), file);
        }

        // expansion at first boot is back, the rest of the line untouched
        String cmdline = mtype(image, "cmdline.txt");
        assertEquals(PiCard.CMDLINE + " init=/usr/lib/raspberrypi-sys-mods/firstboot\n", cmdline);
        assertEquals("arm_64bit=1\ndtoverlay=vc4-kms-v3d\n", mtype(image, "config.txt"));

        // compressed: zstd itself says the archive is sound and holds exactly the image
        Path zst = dir.resolve("card-prepared.img.zst");
        assertEquals(0, Tool.run(120, "zstd", "-t", "-q", zst.toString()).exit());
        Path unpacked = dir.resolve("unpacked.img");
        Tool.must(120, "zstd", "-q", "-d", "-o", unpacked.toString(), zst.toString());
        assertArrayEquals(sha256(image), sha256(unpacked));
        Files.delete(unpacked);

        // the block map: the installer's parser accepts it (checksum of the file itself included); the deleted
        // file's garbage is not mapped, a file's block of zeros is
        Path bmap = dir.resolve("card-prepared.img.bmap");
        BlockMap map = BlockMap.parse(Files.readAllBytes(bmap));
        assertEquals(size, map.imageSize());
        assertTrue(map.mappedBytes() < size - (24 << 20), "the free blocks are unmapped: " + map.mappedBytes());
        for (long block : physicalBlocks(fs, "/home/pi/zeros.bin")) {
            long at = PiCard.rootOffset() + block * 4096;
            assertTrue(map.ranges().stream().anyMatch(r -> r.start() <= at && at < r.end()), "block " + block);
        }
        // and bmaptool (Debian's bmap-tools) reproduces the image from it, from the archive and the raw file
        assumeTrue(Tool.installed("bmaptool"), "bmaptool not installed (.ci/run installs bmap-tools)");
        for (Path source : List.of(zst, image)) {
            Path copy = dir.resolve("bmap-copy.img");
            Files.deleteIfExists(copy);
            Tool copied = Tool.run(300, "bmaptool", "copy", "--bmap", bmap.toString(), source.toString(),
                    copy.toString());
            assertEquals(0, copied.exit(), copied.stderr());
            assertArrayEquals(sha256(image), sha256(copy), "bmaptool copy of " + source.getFileName());
        }
        // a damaged range is caught by bmaptool through the range checksums
        Path damaged = dir.resolve("damaged.img");
        Files.copy(image, damaged);
        try (var ch = java.nio.channels.FileChannel.open(damaged, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), PiCard.bootOffset() + 4096);
        }
        assertTrue(Tool.run(300, "bmaptool", "copy", "--bmap", bmap.toString(), damaged.toString(),
                dir.resolve("bmap-copy2.img").toString()).exit() != 0, "bmaptool checks the ranges' SHA-256");
    }

    @Test
    void xzInPlaceAndASecondRunLeaveOneFirstbootInit() throws Exception {
        PiCard card = PiCard.build(dir, "ref.img", 120, true);
        long before = Files.size(card.image);
        assertEquals(0, run("prepare", card.image.toString(), "--in-place", "--xz", "--margin", "16"), out() + err());
        assertTrue(out().contains("working in place"), out());
        assertTrue(Files.size(card.image) < before);
        assertFalse(Files.exists(dir.resolve("ref-prepared.img")));
        assertEquals(0, Tool.run(120, "xz", "-t", dir.resolve("ref.img.xz").toString()).exit());
        assertEquals(0, Tool.run(120, "e2fsck", "-fn", card.image + "?offset=" + PiCard.rootOffset()).exit());
        if (Tool.installed("bmaptool")) {
            // the unmapped blocks of an image changed in place read as zeros too (the padding after the file system)
            Path copy = dir.resolve("bmap-copy.img");
            Tool.must(300, "bmaptool", "copy", "--bmap", dir.resolve("ref.img.bmap").toString(),
                    card.image.toString(), copy.toString());
            assertArrayEquals(sha256(card.image), sha256(copy));
            Files.delete(copy);
        }

        // prepared again (already shrunk, init already there): nothing doubled
        assertEquals(0, run("prepare", card.image.toString(), "--output", dir.resolve("again.img").toString(),
                "--no-compress"), out() + err());
        assertTrue(out().contains("already at its minimum") && out().contains("already expands"), out());
        String cmdline = mtype(dir.resolve("again.img"), "cmdline.txt");
        assertEquals(1, cmdline.split("init=", -1).length - 1, cmdline);
        assertFalse(Files.exists(dir.resolve("again.img.zst")));
    }

    @Test
    void badInputsExitNonZeroWithAClearMessageAndLeaveNothing() throws Exception {
        Path text = dir.resolve("notes.img");
        Files.writeString(text, "not a card\n".repeat(200_000));
        assertBad("is not a disk image", "prepare", text.toString());

        Path tiny = dir.resolve("tiny.img");
        Files.write(tiny, new byte[4096]);
        assertBad("is not a disk image", "prepare", tiny.toString());

        assertBad("does not exist", "prepare", dir.resolve("missing.img").toString());
        assertBad("is not a regular file", "prepare", dir.toString());

        PiCard fat = PiCard.build(dir, "fat.img", 40, false);
        assertBad("holds no ext4 file system", "prepare", fat.image.toString());

        PiCard cut = PiCard.build(dir, "cut.img", 100, true);
        Tool.must(10, "truncate", "-s", String.valueOf(PiCard.rootOffset() + (50 << 20)), cut.image.toString());
        assertBad("is cut short", "prepare", cut.image.toString());

        Path gpt = dir.resolve("gpt.img");
        Tool.must(10, "truncate", "-s", "64M", gpt.toString());
        Tool.withInput(30, "label: gpt\nstart=2048, size=20000\n", "sfdisk", "-q", gpt.toString()).orFail();
        assertBad("GPT partition table", "prepare", gpt.toString());

        PiCard card = PiCard.build(dir, "card.img", 100, true);
        assertBad("never goes on the command line", "prepare", card.image.toString(), "--register", "--password",
                "x");
        assertBad("--register needs --product KXP2 or RXP2", "prepare", card.image.toString(), "--register");
        assertBad("RPIDEPLOY_API_PASSWORD", "prepare", card.image.toString(), "--register", "--product", "KXP2",
                "--version", "1", "--user", "ops");
        Files.writeString(dir.resolve("card-prepared.img"), "someone's file");
        assertBad("exists", "prepare", card.image.toString());
        assertEquals("someone's file", Files.readString(dir.resolve("card-prepared.img")));
        Files.delete(dir.resolve("card-prepared.img"));
        assertBad("usage: rpideploy image prepare", "shrink", card.image.toString());

        // a card attached to a loop device (mounted, or being written) is refused
        if ("root".equals(System.getProperty("user.name")) && Files.exists(Path.of("/dev/loop-control"))) {
            String loop = Tool.must(30, "losetup", "--find", "--show", "--read-only", card.image.toString())
                    .stdout().strip();
            try {
                assertBad("is in use by a loop device", "prepare", card.image.toString());
            } finally {
                Tool.run(30, "losetup", "-d", loop);
            }
        }
        try (var files = Files.list(dir)) {
            List<String> left = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.contains("prepared") || n.endsWith(".bmap") || n.endsWith(".tmp")).toList();
            assertEquals(List.of(), left, "nothing is left behind by a refused input");
        }
    }

    @Test
    void aToolFailingMidRunLeavesNothingOnACopyAndARerunWorks() throws Exception {
        PiCard card = PiCard.build(dir, "card.img", 100, true);
        byte[] inputSum = sha256(card.image);
        Path shims = shim("zstd", "echo 'zstd: write error: No space left on device' >&2; exit 1");

        Child run = child(shims, "prepare", card.image.toString());
        assertEquals(2, run.exit(), run.output());
        assertTrue(run.output().contains("zstd failed (exit 1)"), run.output());
        Path work = dir.resolve(".card-prepared.img.root.tmp");
        assertTrue(run.output().contains("work file: " + work), "the work file is named: " + run.output());
        assertTrue(run.output().contains("was not changed; nothing was left behind"), run.output());
        assertArrayEquals(inputSum, sha256(card.image), "the input is unchanged");
        assertEquals(List.of("card.img"), leftOver(), "no image, block map, partial archive or work file");

        assertEquals(0, run("prepare", card.image.toString()), out() + err());
        assertTrue(Files.size(dir.resolve("card-prepared.img.zst")) > 0);
    }

    @Test
    void aToolFailingMidRunInPlaceLeavesNoPartialOutputAndARerunWorks() throws Exception {
        PiCard card = PiCard.build(dir, "ref.img", 100, true);
        long before = Files.size(card.image);
        Path shims = shim("xz", "head -c 100000 /dev/urandom; exit 1");

        Child run = child(shims, "prepare", card.image.toString(), "--in-place", "--xz");
        assertEquals(2, run.exit(), run.output());
        assertEquals(List.of("ref.img"), leftOver(), "no block map, partial archive or work file beside the input");
        assertTrue(run.output().contains("xz failed (exit 1)"), run.output());
        assertTrue(run.output().contains("run the same command again"), run.output());
        assertTrue(Files.size(card.image) < before, "the image itself was prepared before the archive failed");

        assertEquals(0, run("prepare", card.image.toString(), "--in-place", "--xz"), out() + err());
        assertEquals(0, Tool.run(120, "xz", "-t", dir.resolve("ref.img.xz").toString()).exit());
        assertTrue(Files.exists(dir.resolve("ref.img.bmap")));
    }

    /** SIGTERM (what kill sends; Ctrl-C's SIGINT runs the same hooks) while e2fsck works on the work file. */
    @Test
    void aTerminatedRunRemovesItsWorkFileAndStopsItsTool() throws Exception {
        PiCard card = PiCard.build(dir, "card.img", 100, true);
        byte[] inputSum = sha256(card.image);
        Path started = dir.resolve("e2fsck.pid");
        Path shims = shim("e2fsck", "echo $$ > " + started + "; exec sleep 120");
        Process p = start(shims, "prepare", card.image.toString());
        try {
            for (int i = 0; i < 600 && !Files.exists(started); i++) {
                Thread.sleep(100);
            }
            Thread.sleep(200);
            assertTrue(Files.exists(started), "e2fsck was started");
            Path work = dir.resolve(".card-prepared.img.root.tmp");
            assertTrue(Files.size(work) > 50 << 20, "the work file exists while e2fsck runs");
            p.destroy();
            assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the command ends");
            String said = childOutput();
            assertEquals(List.of("card.img", "e2fsck.pid"), leftOver(), "the work file is gone: " + said);
            assertTrue(said.contains("interrupted: " + card.image + " was not changed"), said);
            long tool = Long.parseLong(Files.readString(started).strip());
            assertFalse(ProcessHandle.of(tool).map(ProcessHandle::isAlive).orElse(false), "e2fsck was stopped");
            assertArrayEquals(inputSum, sha256(card.image));
        } finally {
            p.destroyForcibly();
        }
    }

    /** As root in a folder others can write to, nothing planted at a name the command writes is written through. */
    @Test
    void aLinkPlantedAtTheWorkFileOrTheOutputIsRefusedNotFollowed() throws Exception {
        PiCard card = PiCard.build(dir, "card.img", 80, true);
        Path victim = dir.resolve("victim.txt");
        Files.writeString(victim, "precious");
        Path work = Files.createSymbolicLink(dir.resolve(".card-prepared.img.root.tmp"), victim);
        assertBad(".card-prepared.img.root.tmp exists", "prepare", card.image.toString());
        assertEquals("precious", Files.readString(victim));
        assertTrue(Files.isSymbolicLink(work), "someone else's link is left alone");
        Files.delete(work);

        // a dangling link at the output name: Files.exists follows it and says no; writing would create its target
        Path target = dir.resolve("created-through-link.img");
        Files.createSymbolicLink(dir.resolve("card-prepared.img"), target);
        assertBad("card-prepared.img exists", "prepare", card.image.toString());
        assertFalse(Files.exists(target), "nothing written through the link");
    }

    private record Child(int exit, String output) {
    }

    /** A folder first on the PATH holding a tool of that name that runs {@code script} instead. */
    private Path shim(String tool, String script) throws Exception {
        Path shims = Files.createDirectories(dir.resolve("shims"));
        Path file = shims.resolve(tool);
        Files.writeString(file, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        return shims;
    }

    /** The command in a JVM of its own (as bin/rpideploy runs it), with the shims first on its PATH. */
    private Process start(Path shims, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), "io.rpideploy.ops.Ops", "image"));
        command.addAll(List.of(args));
        // to a file (in a folder: not among the files checked): destroy() closes a pipe before it is read
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(Files.createDirectories(dir.resolve("logs")).resolve("child.log").toFile());
        builder.environment().put("PATH", shims + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        builder.environment().put("RPIDEPLOY_HOME", dir.resolve("home").toString());
        return builder.start();
    }

    private Child child(Path shims, String... args) throws Exception {
        Process p = start(shims, args);
        try {
            assertTrue(p.waitFor(300, java.util.concurrent.TimeUnit.SECONDS), "the command ends");
            return new Child(p.exitValue(), childOutput());
        } finally {
            p.destroyForcibly();
        }
    }

    private String childOutput() throws Exception {
        return Files.readString(dir.resolve("logs/child.log"));
    }

    /** The files in the test folder (hidden ones too), by name, sorted. */
    private List<String> leftOver() throws Exception {
        try (var files = Files.list(dir)) {
            return files.filter(f -> !Files.isDirectory(f)).map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private void assertBad(String message, String... args) {
        out.reset();
        err.reset();
        int exit = run(args);
        assertEquals(2, exit, out() + err());
        assertTrue(err().contains(message), "expected '" + message + "' in: " + err());
        assertFalse(err().contains("Exception") && err().contains("\tat "), "no stack trace: " + err());
    }

    static JsonObject table(Path image) throws Exception {
        String json = Tool.must(30, "sfdisk", "--json", image.toString()).stdout();
        return Json.createReader(new StringReader(json)).readObject().getJsonObject("partitiontable");
    }

    static String mtype(Path image, String file) throws Exception {
        return Tool.must(30, "mtype", "-i", image + "@@" + PiCard.bootOffset(), "::" + file).stdout();
    }

    private static long number(String dump, String field) {
        Matcher m = Pattern.compile("^" + field + ":\\s+(\\d+)", Pattern.MULTILINE).matcher(dump);
        assertTrue(m.find(), field);
        return Long.parseLong(m.group(1));
    }

    /** The file system blocks holding a file's data (debugfs blocks). */
    private static List<Long> physicalBlocks(String fs, String file) throws Exception {
        String text = Tool.must(60, "debugfs", "-R", "blocks " + file, fs).stdout().strip();
        List<Long> blocks = new ArrayList<>();
        for (String b : text.split("\\s+")) {
            blocks.add(Long.parseLong(b));
        }
        assertEquals(16, blocks.size(), text);
        return blocks;
    }

    static byte[] sha256(Path file) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
        }
        return sha.digest();
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
