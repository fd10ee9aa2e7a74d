package io.rpideploy.dist;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * A disk image shaped like Raspberry Pi OS Bookworm, made with real tools and no mount: an MBR (sfdisk) with a FAT32
 * boot partition at sector 8192 (mkfs.vfat, mtools) holding the kernel, a device tree, overlays/, config.txt and
 * cmdline.txt, and an ext4 root (mkfs.ext4 -d) holding /etc and the kernel's real modules under
 * /usr/lib/modules/&lt;release&gt;/ with /lib a link to usr/lib. Compressed with zstd.
 */
final class PiImage {

    static final long SECTOR = 512;
    static final long BOOT_START = 8192;
    static final long BOOT_SECTORS = 64L * 2048;
    static final long ROOT_START = BOOT_START + BOOT_SECTORS;
    static final long ROOT_SECTORS = 80L * 2048;
    static final long SIZE = (ROOT_START + ROOT_SECTORS) * SECTOR; // 148 MiB
    static final String DISK_ID = "5e3da1b0";
    static final String DTB = "bcm2712-rpi-5-b.dtb";

    /** The module folders the image carries in full (plus whatever they need per modules.dep). */
    static final List<String> MODULE_FOLDERS = List.of("kernel/drivers/net", "kernel/drivers/virtio",
            "kernel/drivers/block", "kernel/drivers/nvme", "kernel/fs/fat", "kernel/fs/nls", "kernel/lib");

    final Path raw;
    final Path zst;
    /** What went onto the partitions, to compare the written disk with. */
    final Path bootDir;
    final Path rootDir;
    final String release;
    final List<String> moduleFiles;

    private PiImage(Path raw, Path zst, Path bootDir, Path rootDir, String release, List<String> moduleFiles) {
        this.raw = raw;
        this.zst = zst;
        this.bootDir = bootDir;
        this.rootDir = rootDir;
        this.release = release;
        this.moduleFiles = moduleFiles;
    }

    static long bootOffset() {
        return BOOT_START * SECTOR;
    }

    static long rootOffset() {
        return ROOT_START * SECTOR;
    }

    static String partuuid(int partition) {
        return DISK_ID + "-0" + partition;
    }

    static PiImage build(DebianKernel kernel, Path work, String name) throws IOException {
        Path boot = Files.createDirectories(work.resolve("boot"));
        Path root = Files.createDirectories(work.resolve("root"));

        // boot partition content; a Pi OS boot partition holds the kernel as an uncompressed Image
        Path kernel8 = boot.resolve("kernel8.img");
        if (DebianKernel.gzip(kernel.vmlinuz())) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(kernel.vmlinuz()))) {
                Files.copy(in, kernel8);
            }
        } else {
            Files.copy(kernel.vmlinuz(), kernel8);
        }
        byte[] dtb = new byte[48 * 1024];
        new Random(2712).nextBytes(dtb); // never parsed here: QEMU's virt machine brings its own device tree
        Files.write(boot.resolve(DTB), dtb);
        Files.createDirectories(boot.resolve("overlays"));
        Files.writeString(boot.resolve("overlays/README"), "Device tree overlays (test image: none)\n");
        Files.writeString(boot.resolve("config.txt"), "# Raspberry Pi OS-like test image\n"
                + "dtparam=audio=on\ncamera_auto_detect=1\ndisplay_auto_detect=1\nauto_initramfs=1\n"
                + "dtoverlay=vc4-kms-v3d\nmax_framebuffers=2\ndisable_fw_kms_setup=1\narm_64bit=1\n"
                + "disable_overscan=1\narm_boost=1\n\n[all]\n");
        Files.writeString(boot.resolve("cmdline.txt"), "console=serial0,115200 console=tty1 root=PARTUUID="
                + partuuid(2) + " rootfstype=ext4 fsck.repair=yes rootwait\n");

        // root partition content
        Path etc = Files.createDirectories(root.resolve("etc"));
        Files.writeString(etc.resolve("hostname"), "raspberrypi\n");
        Files.writeString(etc.resolve("hosts"), "127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n"
                + "ff02::1\t\tip6-allnodes\nff02::2\t\tip6-allrouters\n\n127.0.1.1\traspberrypi\n");
        Files.writeString(etc.resolve("fstab"), "proc            /proc           proc    defaults          0       0\n"
                + "PARTUUID=" + partuuid(1) + "  /boot/firmware  vfat    defaults          0       2\n"
                + "PARTUUID=" + partuuid(2) + "  /               ext4    defaults,noatime  0       1\n");
        Path modules = Files.createDirectories(root.resolve("usr/lib/modules/" + kernel.release));
        Files.createSymbolicLink(root.resolve("lib"), Path.of("usr/lib"));
        List<String> copied = copyModules(kernel.modules(), modules);

        Path bootPart = work.resolve("boot.part");
        Path rootPart = work.resolve("root.part");
        Path raw = work.resolve(name);
        Files.deleteIfExists(bootPart);
        Files.deleteIfExists(rootPart);
        Files.deleteIfExists(raw);
        Cmd.must(30, "truncate", "-s", String.valueOf(BOOT_SECTORS * SECTOR), bootPart.toString());
        Cmd.must(60, "mkfs.vfat", "-F", "32", "-S", "512", "-s", "1", "-n", "bootfs", "-i", DISK_ID,
                bootPart.toString());
        String img = bootPart.toString();
        Cmd.must(30, "env", "MTOOLS_SKIP_CHECK=1", "mmd", "-i", img, "::overlays");
        for (String f : List.of("kernel8.img", DTB, "config.txt", "cmdline.txt", "overlays/README")) {
            Cmd.must(60, "env", "MTOOLS_SKIP_CHECK=1", "mcopy", "-i", img, boot.resolve(f).toString(), "::" + f);
        }
        Cmd.must(30, "truncate", "-s", String.valueOf(ROOT_SECTORS * SECTOR), rootPart.toString());
        Cmd.must(120, "mkfs.ext4", "-q", "-F", "-L", "rootfs", "-d", root.toString(), rootPart.toString());

        Cmd.must(30, "truncate", "-s", String.valueOf(SIZE), raw.toString());
        sfdisk(raw, "label: dos\nlabel-id: 0x" + DISK_ID + "\n"
                + "start=" + BOOT_START + ", size=" + BOOT_SECTORS + ", type=c\n"
                + "start=" + ROOT_START + ", size=" + ROOT_SECTORS + ", type=83\n");
        Cmd.must(60, "dd", "if=" + bootPart, "of=" + raw, "bs=1M", "seek=" + (bootOffset() >> 20), "conv=notrunc",
                "status=none");
        Cmd.must(60, "dd", "if=" + rootPart, "of=" + raw, "bs=1M", "seek=" + (rootOffset() >> 20), "conv=notrunc",
                "status=none");
        Files.delete(bootPart);
        Files.delete(rootPart);
        Path zst = work.resolve(name + ".zst");
        Files.deleteIfExists(zst);
        Cmd.must(300, "zstd", "-q", "-6", "-T0", "-o", zst.toString(), raw.toString());
        return new PiImage(raw, zst, boot, root, kernel.release, copied);
    }

    private static void sfdisk(Path disk, String script) throws IOException {
        Process p = new ProcessBuilder("sfdisk", "-q", disk.toString()).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(script.getBytes(StandardCharsets.US_ASCII));
        }
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("sfdisk failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /**
     * The folders of {@link #MODULE_FOLDERS}, every module they depend on (modules.dep, transitively) and the
     * package's index files; the paths copied, relative to the release folder.
     */
    private static List<String> copyModules(Path from, Path to) throws IOException {
        Map<String, List<String>> deps = new HashMap<>();
        for (String line : Files.readAllLines(from.resolve("modules.dep"))) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                String rest = line.substring(colon + 1).trim();
                deps.put(line.substring(0, colon), rest.isEmpty() ? List.of() : List.of(rest.split("\\s+")));
            }
        }
        TreeSet<String> chosen = new TreeSet<>();
        Deque<String> todo = new ArrayDeque<>();
        for (String folder : MODULE_FOLDERS) {
            try (Stream<Path> files = Files.walk(from.resolve(folder))) {
                files.filter(f -> f.getFileName().toString().endsWith(".ko"))
                        .forEach(f -> todo.add(from.relativize(f).toString()));
            }
        }
        while (!todo.isEmpty()) {
            String m = todo.pop();
            if (chosen.add(m)) {
                todo.addAll(deps.getOrDefault(m, List.of()));
            }
        }
        List<String> copied = new ArrayList<>();
        try (Stream<Path> indexes = Files.list(from)) {
            for (Path index : indexes.filter(f -> f.getFileName().toString().startsWith("modules.")).toList()) {
                Files.copy(index, to.resolve(index.getFileName()));
                copied.add(index.getFileName().toString());
            }
        }
        for (String m : chosen) {
            Path target = to.resolve(m);
            Files.createDirectories(target.getParent());
            Files.copy(from.resolve(m), target);
            copied.add(m);
        }
        return copied;
    }
}
