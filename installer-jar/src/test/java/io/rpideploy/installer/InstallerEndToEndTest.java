package io.rpideploy.installer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rpideploy.installer.cli.Installer;
import io.rpideploy.installer.cli.Options;
import io.rpideploy.installer.report.ExitCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installer against real Raspberry-Pi-OS-shaped images (sfdisk, mkfs.vfat, mcopy, mkfs.ext4 -d), served by an
 * in-test HTTP server, written to real loop devices and plain files, and checked with independent readers
 * (debugfs, mtype, sfdisk).
 */
class InstallerEndToEndTest {

    @TempDir
    static Path dir;
    static Path bookworm;
    static Path trixie;
    static Path legacy;
    static FakeDeploymentServer server;
    static Path fakeSys;
    Path work;
    String output;

    @BeforeAll
    static void images() throws IOException {
        assumeTrue(Sh.isRoot(), "needs root (loop devices, mount)");
        bookworm = TestImages.build(dir, TestImages.Variant.BOOKWORM);
        trixie = TestImages.build(dir, TestImages.Variant.TRIXIE);
        legacy = TestImages.build(dir, TestImages.Variant.LEGACY);
        Sh.bash("gzip -1 -c " + trixie + " > " + trixie + ".gz");
        Sh.bash("xz -T2 -3 -c " + legacy + " > " + legacy + ".xz");
        Sh.bash("zstd -q -3 -c " + bookworm + " > " + bookworm + ".zst");
        server = new FakeDeploymentServer();
        fakeSys = Files.createDirectories(dir.resolve("sys"));
        Files.writeString(fakeSys.resolve("cpuinfo"), "processor\t: 0\nRevision\t: d04170\n"
                + "Serial\t\t: 10000000a1b2c3d4\nModel\t\t: Raspberry Pi 5 Model B Rev 1.0\n");
        Files.createDirectories(fakeSys.resolve("net/eth0"));
        Files.createDirectories(fakeSys.resolve("net/lo"));
        Files.createDirectories(fakeSys.resolve("net/wlan0"));
        Files.writeString(fakeSys.resolve("net/lo/address"), "00:00:00:00:00:00\n");
        Files.writeString(fakeSys.resolve("net/wlan0/address"), "2c:cf:67:00:00:02\n");
        Files.writeString(fakeSys.resolve("net/eth0/address"), "2c:cf:67:00:00:01\n");
        Files.writeString(fakeSys.resolve("cmdline"), "console=tty1 rpideploy.product=RXP2 rpideploy.no-reboot\n");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void workDir() throws IOException {
        work = Files.createTempDirectory(dir, "case");
    }

    private ExitCode install(Path device, String... extra) {
        List<String> args = new ArrayList<>(List.of("--server", server.url(), "--venue", "CORO", "--device",
                device.toString(), "--cmdline", fakeSys.resolve("cmdline").toString(),
                "--cpuinfo", fakeSys.resolve("cpuinfo").toString(), "--net-dir", fakeSys.resolve("net").toString(),
                "--config-wait", "3", "--resume-time", "60"));
        args.addAll(Arrays.asList(extra));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ExitCode code;
        try {
            Options options = Options.parse(args.toArray(String[]::new), new Properties());
            assertFalse(options.reboot(), "rpideploy.no-reboot from the kernel command line");
            code = new Installer(options, new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
        } catch (Options.UsageException e) {
            throw new AssertionError(e);
        }
        output = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(output);
        return code;
    }

    private Path blank(String name, long size) throws IOException {
        Path f = work.resolve(name);
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
            r.setLength(size);
        }
        return f;
    }

    private static String debugfsCat(Path device, String path) {
        return Sh.run("debugfs", "-R", "cat " + path, device + "?offset=" + TestImages.ROOT_START);
    }

    private static String mtype(Path device, String path) {
        return Sh.run("mtype", "-i", device + "@@" + TestImages.BOOT_START, "::" + path);
    }

    private static List<String> statusNames(List<Map<String, Object>> statuses) {
        List<String> names = new ArrayList<>();
        for (Map<String, Object> s : statuses) {
            String n = (String) s.get("status");
            if (names.isEmpty() || !names.get(names.size() - 1).equals(n)) {
                names.add(n);
            }
        }
        return names;
    }

    private List<Map<String, Object>> statusesSince(int before) {
        List<Map<String, Object>> all = server.statuses();
        return all.subList(before, all.size());
    }

    @Test
    void rawBookwormImageToLoopDeviceGetsHostnameCustomTomlAndPartitionTableLast() throws IOException {
        server.configure("KXP2-CORO-007", "bookworm.img", bookworm, TestImages.IMAGE_SIZE, TestImages.sha256(bookworm));
        int before = server.statuses().size();
        Path backing = blank("sd.img", 96L << 20);
        try (LoopDevice loop = LoopDevice.attach(backing)) {
            ExitCode code = install(loop.path());
            assertEquals(ExitCode.OK, code, output);
            assertEquals("KXP2-CORO-007\n", debugfsCat(loop.path(), "/etc/hostname"));
            assertTrue(debugfsCat(loop.path(), "/etc/hosts").contains("127.0.1.1\tKXP2-CORO-007\n"));
            assertTrue(debugfsCat(loop.path(), "/etc/hosts").contains("127.0.0.1\tlocalhost"));
            assertTrue(mtype(loop.path(), "/custom.toml").contains("[system]\nhostname = \"KXP2-CORO-007\""));
            String deployment = mtype(loop.path(), "/deployment.json");
            assertTrue(deployment.contains("\"hostname\":\"KXP2-CORO-007\""), deployment);
            assertTrue(deployment.contains("\"venue\":\"CORO\""), deployment);
            assertTrue(deployment.contains(TestImages.sha256(bookworm)), deployment);
            String table = Sh.run("sfdisk", "-d", loop.path().toString());
            assertTrue(table.contains("start=        8192, size=       81920, type=c"), table);
            assertEquals(TestImages.sha256(bookworm, 0, TestImages.BOOT_START),
                    TestImages.sha256(loop.path(), 0, TestImages.BOOT_START));
        }
        List<Map<String, Object>> statuses = statusesSince(before);
        assertEquals(List.of("starting", "downloading", "verifying", "customizing", "success"), statusNames(statuses));
        assertTrue(statuses.stream().anyMatch(s -> "downloading".equals(s.get("status")) && s.get("progress") != null
                && s.get("rate_bps") != null), "download progress reported");
        Map<String, Object> last = statuses.get(statuses.size() - 1);
        assertEquals("KXP2-CORO-007", last.get("hostname"));
        assertEquals("10000000a1b2c3d4", last.get("serial"));
        assertEquals("2c:cf:67:00:00:01", last.get("mac_address"));
        assertEquals(17, ((Number) last.get("deployment_id")).intValue());
        assertTrue(output.contains("#   #"), "hostname banner");
    }

    @Test
    void gzipTrixieImageToPlainFileWithDebugfsAndMtoolsWritesCloudInitUserData() throws IOException {
        Path gz = Path.of(trixie + ".gz");
        server.configure("RXP2-CORO-002", "trixie.img.gz", gz, TestImages.IMAGE_SIZE, TestImages.sha256(trixie));
        Path target = work.resolve("target.img");
        ExitCode code = install(target, "--customize", "tools");
        assertEquals(ExitCode.OK, code, output);
        assertEquals("RXP2-CORO-002\n", debugfsCat(target, "/etc/hostname"));
        String userData = mtype(target, "/user-data");
        assertTrue(userData.startsWith("#cloud-config\n"), userData);
        assertTrue(userData.contains("\nhostname: RXP2-CORO-002\n"), userData);
        assertTrue(userData.contains("\nmanage_etc_hosts: false\n"), userData);
        assertFalse(userData.contains("hostname: raspberrypi"), userData);
        assertTrue(userData.contains("users:\n  - name: pi"), userData);
        assertEquals("instance-id: rpi-image-1\n", mtype(target, "/meta-data"));
        assertTrue(mtype(target, "/deployment.json").contains("RXP2-CORO-002"));
        String dirList = Sh.run("mdir", "-b", "-i", target + "@@" + TestImages.BOOT_START, "::/");
        assertFalse(dirList.contains("firstrun.sh"), dirList);
        assertFalse(dirList.contains("custom.toml"), dirList);
    }

    @Test
    void xzLegacyImageCutAt30PercentAndQueuedOnceResumesExactlyAndUsesFirstrunScript() throws IOException {
        Path xz = Path.of(legacy + ".xz");
        server.configure("kxp2-coro-011", "legacy.img.xz", xz, null, null);
        long cut = Files.size(xz) * 3 / 10;
        server.cutOnceAt(cut);
        server.busyOnce();
        int before = server.statuses().size();
        Path backing = blank("sd.img", 80L << 20);
        try (LoopDevice loop = LoopDevice.attach(backing)) {
            ExitCode code = install(loop.path(), "--verify", "sample");
            assertEquals(ExitCode.OK, code, output);
            assertTrue(output.contains("connection lost at byte " + cut), output);
            assertTrue(server.imageRequests().stream().anyMatch(r -> r.contains(" bytes=" + cut + "-")),
                    server.imageRequests().toString());
            assertTrue(server.imageRequests().stream().allMatch(r -> r.contains("client=10000000a1b2c3d4")));
            assertEquals("kxp2-coro-011\n", debugfsCat(loop.path(), "/etc/hostname"));
            String firstrun = mtype(loop.path(), "/firstrun.sh");
            assertTrue(firstrun.contains("set_hostname kxp2-coro-011"), firstrun);
            assertTrue(firstrun.contains("rm -f /boot/firstrun.sh"), firstrun);
            String cmdline = mtype(loop.path(), "/cmdline.txt");
            assertTrue(cmdline.contains("rootwait quiet splash plymouth.ignore-serial-consoles systemd.run=/boot/firstrun.sh "
                    + "systemd.run_success_action=reboot systemd.unit=kernel-command-line.target\n"), cmdline);
            // outside the customized partitions the written card is the image, byte for byte
            assertEquals(TestImages.sha256(legacy, 0, TestImages.BOOT_START),
                    TestImages.sha256(loop.path(), 0, TestImages.BOOT_START));
        }
        List<Map<String, Object>> statuses = statusesSince(before);
        assertTrue(statuses.stream().anyMatch(s -> String.valueOf(s.get("message")).contains("queued at position 3")),
                statuses.toString());
        assertEquals("success", statuses.get(statuses.size() - 1).get("status"));
    }

    @Test
    void rawImageCutAt30PercentResumesAndIsByteExact() throws IOException {
        server.configure("kxp2-coro-012", "bookworm-cut.img", bookworm, null, null);
        long cut = TestImages.IMAGE_SIZE * 3 / 10;
        server.cutOnceAt(cut);
        Path target = work.resolve("exact.img");
        ExitCode code = install(target, "--customize", "none");
        assertEquals(ExitCode.OK, code, output);
        assertTrue(output.contains("connection lost at byte " + cut), output);
        assertEquals(TestImages.sha256(bookworm), TestImages.sha256(target));
    }

    @Test
    void zstdImageWithBmapWritesOnlyMappedRangesAndChecksThem() throws IOException {
        Path zst = Path.of(bookworm + ".zst");
        server.configure("kxp2-coro-013", "bm.img.zst", zst, TestImages.IMAGE_SIZE, null);
        Path bmapFile = work.resolve("bm.img.zst.bmap");
        Files.writeString(bmapFile, TestImages.bmap(bookworm));
        server.publish("bm.img.zst.bmap", bmapFile);
        Path backing = blank("sd.img", 80L << 20);
        // a marker in the zero gap between the MBR and the first partition: unmapped, so it must survive
        try (RandomAccessFile r = new RandomAccessFile(backing.toFile(), "rw")) {
            byte[] marker = new byte[1 << 20];
            Arrays.fill(marker, (byte) 0xAA);
            r.seek(2L << 20);
            r.write(marker);
        }
        try (LoopDevice loop = LoopDevice.attach(backing)) {
            ExitCode code = install(loop.path());
            assertEquals(ExitCode.OK, code, output);
            assertTrue(output.contains("bmap: "), output);
            assertTrue(output.contains("bmap ranges"), output);
            assertEquals("kxp2-coro-013\n", debugfsCat(loop.path(), "/etc/hostname"));
            assertTrue(mtype(loop.path(), "/custom.toml").contains("kxp2-coro-013"));
            byte[] gap = new byte[16];
            try (RandomAccessFile r = new RandomAccessFile(loop.path().toFile(), "r")) {
                r.seek((2L << 20) + 4096);
                r.readFully(gap);
            }
            assertEquals((byte) 0xAA, gap[0], "unmapped block was not written");
        }
    }

    @Test
    void rawImageWithBmapSkipsUnmappedBytesWithRangeRequests() throws IOException {
        // a raw image with a 40 MiB hole: the jump is done with a Range request
        Path holey = work.resolve("holey.img");
        Files.copy(bookworm, holey);
        try (RandomAccessFile r = new RandomAccessFile(holey.toFile(), "rw")) {
            r.setLength(TestImages.IMAGE_SIZE + (40L << 20));
            r.seek(TestImages.IMAGE_SIZE + (40L << 20) - 4096);
            r.write(new byte[] {1, 2, 3});
        }
        server.configure("kxp2-coro-014", "holey.img", holey, null, null);
        Path bmapFile = work.resolve("holey.img.bmap");
        Files.writeString(bmapFile, TestImages.bmap(holey));
        server.publish("holey.img.bmap", bmapFile);
        Path target = work.resolve("t.img");
        ExitCode code = install(target, "--customize", "none");
        assertEquals(ExitCode.OK, code, output);
        assertTrue(server.imageRequests().stream().anyMatch(r -> r.startsWith("GET holey.img bytes=")),
                server.imageRequests().toString());
        assertEquals(TestImages.sha256(holey), TestImages.sha256(target));
    }

    @Test
    void corruptedImageIsDetectedReportedAndLeavesNoPartitionTable() throws IOException {
        Path bad = work.resolve("bad.img");
        Files.copy(bookworm, bad);
        server.configure("kxp2-coro-015", "bad.img", bad, null, null);
        try (RandomAccessFile r = new RandomAccessFile(bad.toFile(), "rw")) {
            r.seek(TestImages.ROOT_START + 12345);
            r.write(0x5a);
        }
        int before = server.statuses().size();
        Path target = work.resolve("t.img");
        ExitCode code = install(target);
        assertEquals(ExitCode.CHECKSUM_MISMATCH, code, output);
        assertEquals(7, code.code());
        Map<String, Object> last = statusesSince(before).get(statusesSince(before).size() - 1);
        assertEquals("failed", last.get("status"));
        assertTrue(String.valueOf(last.get("error_message")).contains("does not match image_checksum"), last.toString());
        byte[] mbr = new byte[512];
        try (RandomAccessFile r = new RandomAccessFile(target.toFile(), "r")) {
            r.readFully(mbr);
        }
        assertTrue(Arrays.equals(new byte[512], mbr), "no partition table on a failed card");
    }

    @Test
    void tooSmallDeviceIsRefused() throws IOException {
        server.configure("kxp2-coro-016", "bookworm.img", bookworm, TestImages.IMAGE_SIZE, null);
        int before = server.statuses().size();
        try (LoopDevice loop = LoopDevice.attach(blank("small.img", 32L << 20))) {
            ExitCode code = install(loop.path());
            assertEquals(ExitCode.DEVICE_REFUSED, code, output);
            assertTrue(output.contains("too small"), output);
        }
        List<Map<String, Object>> statuses = statusesSince(before);
        assertEquals("failed", statuses.get(statuses.size() - 1).get("status"));
    }

    @Test
    void mountedDeviceIsRefused() throws IOException {
        server.configure("kxp2-coro-017", "bookworm.img", bookworm, null, null);
        Path backing = work.resolve("used.img");
        Files.copy(bookworm, backing);
        int before = server.statuses().size();
        try (LoopDevice loop = LoopDevice.attach(backing)) {
            // CI's kernel scans no loop partitions (no loopNp1) and has no vfat: mount the ext4 root by offset,
            // which stacks a second loop device on this one
            Path mnt = Files.createDirectories(work.resolve("mnt"));
            Sh.run("mount", "-o", "ro,loop,offset=" + TestImages.ROOT_START + ",sizelimit=" + TestImages.ROOT_SIZE,
                    loop.path().toString(), mnt.toString());
            try {
                ExitCode code = install(loop.path());
                assertEquals(ExitCode.DEVICE_REFUSED, code, output);
                assertTrue(output.contains("is mounted on " + mnt), output);
            } finally {
                Sh.run("umount", mnt.toString());
            }
            // a mounted partition (/dev/loopNp1 in /proc/mounts) is refused the same way
            Path mounts = work.resolve("mounts");
            Files.writeString(mounts, "/dev/vda / ext4 rw 0 0\n" + loop.path() + "p1 /media/boot vfat rw 0 0\n");
            ExitCode code = install(loop.path(), "--proc-mounts", mounts.toString());
            assertEquals(ExitCode.DEVICE_REFUSED, code, output);
            assertTrue(output.contains(loop.path() + "p1 is mounted on /media/boot"), output);
        }
        assertEquals("failed", statusesSince(before).get(statusesSince(before).size() - 1).get("status"));
        assertEquals(TestImages.sha256(bookworm), TestImages.sha256(backing), "untouched");
    }

    @Test
    void deviceHoldingTheRunningSystemIsRefused() throws IOException {
        server.configure("kxp2-coro-018", "bookworm.img", bookworm, null, null);
        try (LoopDevice loop = LoopDevice.attach(blank("sys.img", 96L << 20))) {
            Path mounts = work.resolve("mounts");
            Files.writeString(mounts, "proc /proc proc rw 0 0\n" + loop.path() + "p2 / ext4 rw,noatime 0 0\n");
            ExitCode code = install(loop.path(), "--proc-mounts", mounts.toString());
            assertEquals(ExitCode.DEVICE_REFUSED, code, output);
            assertTrue(output.contains("holds the running system"), output);
        }
    }

    @Test
    void refusedConfigAndUnreachableServerHaveTheirExitCodes() throws IOException {
        server.refuseConfig(404, "no_hostname");
        Path target = work.resolve("t.img");
        ExitCode refused = install(target);
        assertEquals(ExitCode.CONFIG_REFUSED, refused, output);
        assertTrue(output.contains("no hostname for this board (field venue_code)"), output);
        assertFalse(Files.exists(target), "nothing written");

        List<String> args = List.of("--server", "127.0.0.1:1", "--device", target.toString(), "--config-wait", "2",
                "--cmdline", fakeSys.resolve("cmdline").toString(), "--cpuinfo", fakeSys.resolve("cpuinfo").toString());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ExitCode code = new Installer(Options.parse(args.toArray(String[]::new), new Properties()),
                    new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
            assertEquals(ExitCode.SERVER_UNREACHABLE, code, bytes.toString(StandardCharsets.UTF_8));
        } catch (Options.UsageException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void dryRunWritesNothing() throws IOException {
        server.configure("kxp2-coro-019", "bookworm.img", bookworm, null, null);
        int before = server.statuses().size();
        Path target = blank("dry.img", 1 << 20);
        ExitCode code = install(target, "--dry-run");
        assertEquals(ExitCode.OK, code, output);
        assertTrue(output.contains("nothing written"), output);
        assertEquals(1 << 20, Files.size(target));
        assertEquals(before, server.statuses().size(), "no statuses in a dry run");
        assertTrue(server.imageRequests().stream().map(r -> r.split(" ")[0]).collect(Collectors.toSet())
                .contains("HEAD"));
    }
}
