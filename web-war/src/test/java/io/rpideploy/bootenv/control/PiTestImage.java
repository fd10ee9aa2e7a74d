package io.rpideploy.bootenv.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;

/**
 * Raspberry-Pi-OS-shaped disk images made with the real tools (sfdisk, mkfs.vfat + mtools, mkfs.ext4 -d): no root,
 * no mounting. Skips the calling test (never passes it) when a tool is missing.
 */
final class PiTestImage {

    static final String RELEASE = "6.12.34+rpt-rpi-2712";
    static final String OTHER_RELEASE = "6.12.34+rpt-rpi-v8";

    /** Module path -> its dependencies, as depmod would write them (a superset of what the installer needs). */
    static final Map<String, List<String>> MODULES = new LinkedHashMap<>();

    static {
        MODULES.put("kernel/drivers/net/ethernet/cadence/macb.ko.xz",
                List.of("kernel/drivers/net/phy/phylink.ko.xz", "kernel/drivers/ptp/ptp.ko.xz"));
        MODULES.put("kernel/drivers/net/phy/phylink.ko.xz", List.of());
        MODULES.put("kernel/drivers/ptp/ptp.ko.xz", List.of("kernel/drivers/pps/pps_core.ko.xz"));
        MODULES.put("kernel/drivers/pps/pps_core.ko.xz", List.of());
        MODULES.put("kernel/drivers/net/phy/broadcom.ko.xz", List.of("kernel/drivers/net/phy/bcm-phy-lib.ko.xz"));
        MODULES.put("kernel/drivers/net/phy/bcm-phy-lib.ko.xz", List.of());
        MODULES.put("kernel/drivers/net/wireless/brcm80211/brcmfmac.ko.xz",
                List.of("kernel/net/wireless/cfg80211.ko.xz"));
        MODULES.put("kernel/net/wireless/cfg80211.ko.xz", List.of());
        MODULES.put("kernel/drivers/mmc/host/sdhci-brcmstb.ko.xz",
                List.of("kernel/drivers/mmc/host/sdhci-pltfm.ko.xz", "kernel/drivers/mmc/host/sdhci.ko.xz"));
        MODULES.put("kernel/drivers/mmc/host/sdhci-pltfm.ko.xz", List.of("kernel/drivers/mmc/host/sdhci.ko.xz"));
        MODULES.put("kernel/drivers/mmc/host/sdhci.ko.xz", List.of());
        MODULES.put("kernel/drivers/nvme/host/nvme.ko.xz", List.of("kernel/drivers/nvme/host/nvme-core.ko.xz"));
        MODULES.put("kernel/drivers/nvme/host/nvme-core.ko.xz", List.of());
        MODULES.put("kernel/drivers/block/loop.ko.xz", List.of());
        MODULES.put("kernel/drivers/block/zram/zram.ko.xz", List.of());
        MODULES.put("kernel/fs/fat/vfat.ko.xz", List.of("kernel/fs/fat/fat.ko.xz"));
        MODULES.put("kernel/fs/fat/fat.ko.xz", List.of());
        MODULES.put("kernel/fs/nls/nls_cp437.ko.xz", List.of());
        MODULES.put("kernel/fs/nls/nls_iso8859-1.ko.xz", List.of());
        MODULES.put("kernel/fs/nls/nls_utf8.ko.xz", List.of());
        MODULES.put("kernel/fs/ext4/ext4.ko.xz",
                List.of("kernel/fs/jbd2/jbd2.ko.xz", "kernel/fs/mbcache.ko.xz", "kernel/lib/crc16.ko.xz"));
        MODULES.put("kernel/fs/jbd2/jbd2.ko.xz", List.of());
        MODULES.put("kernel/fs/mbcache.ko.xz", List.of());
        MODULES.put("kernel/lib/crc16.ko.xz", List.of());
        MODULES.put("kernel/lib/libcrc32c.ko.xz", List.of());
        MODULES.put("kernel/crypto/crc32c_generic.ko.xz", List.of());
        MODULES.put("kernel/sound/soc/snd-soc-core.ko.xz", List.of());
    }

    /** What the extraction must pick from {@link #MODULES}: the families and their dependencies. */
    static final List<String> EXPECTED_MODULES = List.of(
            "kernel/drivers/net/ethernet/cadence/macb.ko.xz", "kernel/drivers/net/phy/phylink.ko.xz",
            "kernel/drivers/ptp/ptp.ko.xz", "kernel/drivers/pps/pps_core.ko.xz",
            "kernel/drivers/net/phy/broadcom.ko.xz", "kernel/drivers/net/phy/bcm-phy-lib.ko.xz",
            "kernel/drivers/mmc/host/sdhci-brcmstb.ko.xz", "kernel/drivers/mmc/host/sdhci-pltfm.ko.xz",
            "kernel/drivers/mmc/host/sdhci.ko.xz", "kernel/drivers/nvme/host/nvme.ko.xz",
            "kernel/drivers/nvme/host/nvme-core.ko.xz", "kernel/drivers/block/loop.ko.xz",
            "kernel/fs/fat/vfat.ko.xz", "kernel/fs/fat/fat.ko.xz", "kernel/fs/nls/nls_cp437.ko.xz",
            "kernel/fs/nls/nls_iso8859-1.ko.xz", "kernel/fs/ext4/ext4.ko.xz", "kernel/fs/jbd2/jbd2.ko.xz",
            "kernel/fs/mbcache.ko.xz", "kernel/lib/crc16.ko.xz", "kernel/crypto/crc32c_generic.ko.xz");

    /** The boot files extracted to the top level or to image/, with the LFN spellings the FAT holds. */
    static final List<String> EXPECTED_BOOT = List.of("kernel_2712.img", "kernel8.img", "bcm2712-rpi-5-b.dtb",
            "bcm2712d0-rpi-5-b.dtb", "overlays/README", "overlays/vc4-kms-v3d-pi5.dtbo",
            "overlays/A-Rather-Long-Overlay-Name-For-LFN.dtbo", "overlays/sub/nested.dtbo", "image/config.txt",
            "image/cmdline.txt", "image/initramfs_2712");

    /** Extra content for the root tree, added after the standard one. */
    interface RootExtras {
        void add(Path root) throws IOException;
    }

    /**
     * How to build one image. {@code features}: mkfs.ext4 -O list or null; {@code debugfs}: commands run on the root
     * partition after mkfs (paths of the host root tree as {@code $ROOT}), or null.
     */
    record Options(int fatBits, boolean gpt, int ext4BlockSize, boolean dtbs, boolean gzipKernel,
                   String bannerRelease, String features, RootExtras extras, String debugfs) {
        static Options standard() {
            return new Options(32, false, 4096, true, false, RELEASE, null, null, null);
        }

        Options fat16() {
            return new Options(16, gpt, ext4BlockSize, dtbs, gzipKernel, bannerRelease, features, extras, debugfs);
        }

        Options withGpt(boolean g) {
            return new Options(fatBits, g, ext4BlockSize, dtbs, gzipKernel, bannerRelease, features, extras, debugfs);
        }

        Options blockSize(int b) {
            return new Options(fatBits, gpt, b, dtbs, gzipKernel, bannerRelease, features, extras, debugfs);
        }

        Options noDtbs() {
            return new Options(fatBits, gpt, ext4BlockSize, false, gzipKernel, bannerRelease, features, extras,
                    debugfs);
        }

        Options withGzipKernel() {
            return new Options(fatBits, gpt, ext4BlockSize, dtbs, true, bannerRelease, features, extras, debugfs);
        }

        Options banner(String release) {
            return new Options(fatBits, gpt, ext4BlockSize, dtbs, gzipKernel, release, features, extras, debugfs);
        }

        Options features(String f) {
            return new Options(fatBits, gpt, ext4BlockSize, dtbs, gzipKernel, bannerRelease, f, extras, debugfs);
        }

        Options blockMaps() {
            return features("^extent,^flex_bg,^64bit,^metadata_csum");
        }

        Options extras(RootExtras e) {
            return new Options(fatBits, gpt, ext4BlockSize, dtbs, gzipKernel, bannerRelease, features, e, debugfs);
        }

        Options debugfs(String commands) {
            return new Options(fatBits, gpt, ext4BlockSize, dtbs, gzipKernel, bannerRelease, features, extras,
                    commands);
        }
    }

    /** A built image and the folders it was made from (the originals to compare with). */
    record Built(Path image, Path boot, Path root, long fatOffset, long fatLength, long rootOffset) {
    }

    private PiTestImage() {
    }

    static void requireTools(String... tools) {
        for (String tool : tools) {
            boolean found = false;
            for (String dir : (System.getenv("PATH") + ":/usr/sbin:/sbin").split(File.pathSeparator)) {
                found |= Files.isExecutable(Path.of(dir, tool));
            }
            Assumptions.assumeTrue(found, tool + " is not installed (apt-get install dosfstools mtools e2fsprogs"
                    + " fdisk xz-utils zstd gzip)");
        }
    }

    static Built build(Path dir, Options o) throws Exception {
        requireTools("mkfs.vfat", "mcopy", "mkfs.ext4", "sfdisk");
        Files.createDirectories(dir);
        Path boot = dir.resolve("boot");
        Path root = dir.resolve("root");
        bootTree(boot, o);
        rootTree(root);
        if (o.extras() != null) {
            o.extras().add(root);
        }
        long fatBytes = (o.fatBits() == 32 ? 64L : 16L) << 20;
        Path fat = dir.resolve("fat.part");
        run(dir, "mkfs.vfat", "-C", "-F", String.valueOf(o.fatBits()), "-s", o.fatBits() == 32 ? "1" : "4", "-n",
                "BOOTFS", fat.toString(), String.valueOf(fatBytes / 1024));
        try (var entries = Files.list(boot)) {
            List<String> cmd = new ArrayList<>(List.of("mcopy", "-i", fat.toString(), "-s", "-Q"));
            entries.sorted().forEach(p -> cmd.add(p.toString()));
            cmd.add("::/");
            run(dir, cmd.toArray(String[]::new));
        }
        long rootBytes = 24L << 20;
        Path ext4 = dir.resolve("root.part");
        List<String> mkfs = new ArrayList<>(List.of("mkfs.ext4", "-q", "-F", "-d", root.toString(), "-L", "rootfs",
                "-b", String.valueOf(o.ext4BlockSize())));
        if (o.features() != null) {
            mkfs.addAll(List.of("-O", o.features()));
        }
        mkfs.addAll(List.of(ext4.toString(), String.valueOf(rootBytes / 1024) + "k"));
        run(dir, mkfs.toArray(String[]::new));
        if (o.debugfs() != null) {
            Path commands = dir.resolve("debugfs.txt");
            Files.writeString(commands, o.debugfs().replace("$ROOT", root.toString()));
            run(dir, "debugfs", "-w", "-f", commands.toString(), ext4.toString());
        }
        long fatOffset = 8192L * 512;
        long rootOffset = fatOffset + fatBytes;
        Path image = dir.resolve("pi.img");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(rootOffset + rootBytes + (1 << 20));
        }
        String script = (o.gpt() ? "label: gpt\n" : "label: dos\n") + "unit: sectors\n"
                + "start=8192, size=" + fatBytes / 512 + ", type="
                + (o.gpt() ? "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7" : (o.fatBits() == 32 ? "c" : "e")) + "\n"
                + "start=" + rootOffset / 512 + ", size=" + rootBytes / 512 + ", type="
                + (o.gpt() ? "0FC63DAF-8483-4772-8E79-3D69D8477DE4" : "83") + "\n";
        Path scriptFile = dir.resolve("sfdisk.txt");
        Files.writeString(scriptFile, script);
        ProcessBuilder pb = new ProcessBuilder("sfdisk", "-q", "--no-reread", "--no-tell-kernel", image.toString())
                .directory(dir.toFile()).redirectInput(scriptFile.toFile()).redirectErrorStream(true);
        finish(pb, "sfdisk");
        place(fat, image, fatOffset);
        place(ext4, image, rootOffset);
        Files.delete(fat);
        Files.delete(ext4);
        return new Built(image, boot, root, fatOffset, fatBytes, rootOffset);
    }

    /**
     * The same image compressed beside it by the real tools: ".xz" (several 1 MiB blocks, as xz -T0 writes),
     * ".xz-one-block", ".gz" or ".zst".
     */
    static Path compressed(Built b, String variant) throws Exception {
        String extension = variant.equals(".xz-one-block") ? ".xz" : variant;
        String name = variant.equals(".xz-one-block") ? "pi-one-block.img" : "pi.img";
        Path out = b.image().resolveSibling(name + extension);
        if (Files.exists(out)) {
            return out;
        }
        String[] cmd = switch (variant) {
            case ".xz" -> new String[] {"xz", "-0", "-T2", "--block-size=1MiB", "-c", b.image().toString()};
            case ".xz-one-block" -> new String[] {"xz", "-0", "-T1", "-c", b.image().toString()};
            case ".gz" -> new String[] {"gzip", "-1", "-c", b.image().toString()};
            case ".zst" -> new String[] {"zstd", "-q", "-1", "-c", b.image().toString()};
            default -> throw new IllegalArgumentException(variant);
        };
        requireTools(cmd[0]);
        finish(new ProcessBuilder(cmd).redirectOutput(out.toFile()), cmd[0]);
        return out;
    }

    private static void bootTree(Path boot, Options o) throws IOException {
        Files.createDirectories(boot.resolve("overlays/sub"));
        byte[] kernel = kernel(o.bannerRelease(), 300_000, 1);
        if (o.gzipKernel()) {
            java.io.ByteArrayOutputStream z = new java.io.ByteArrayOutputStream();
            try (GZIPOutputStream g = new GZIPOutputStream(z)) {
                g.write(kernel);
            }
            kernel = z.toByteArray();
        }
        Files.write(boot.resolve("kernel_2712.img"), kernel);
        Files.write(boot.resolve("kernel8.img"), kernel(OTHER_RELEASE, 200_000, 2));
        if (o.dtbs()) {
            Files.write(boot.resolve("bcm2712-rpi-5-b.dtb"), bytes(80_000, 3));
            Files.write(boot.resolve("bcm2712d0-rpi-5-b.dtb"), bytes(81_000, 4));
        }
        Files.write(boot.resolve("bcm2711-rpi-4-b.dtb"), bytes(50_000, 5));
        Files.write(boot.resolve("start4.elf"), bytes(20_000, 6));
        Files.writeString(boot.resolve("config.txt"), "[pi5]\ndtoverlay=vc4-kms-v3d-pi5\nauto_initramfs=1\n");
        Files.writeString(boot.resolve("cmdline.txt"), "console=serial0,115200 root=PARTUUID=1234-02 rootwait\n");
        Files.write(boot.resolve("initramfs_2712"), bytes(150_000, 7));
        Files.writeString(boot.resolve("overlays/README"), "Overlays are device tree fragments.\n".repeat(200));
        Files.write(boot.resolve("overlays/vc4-kms-v3d-pi5.dtbo"), bytes(3_000, 8));
        Files.write(boot.resolve("overlays/A-Rather-Long-Overlay-Name-For-LFN.dtbo"), bytes(5_000, 9));
        Files.write(boot.resolve("overlays/sub/nested.dtbo"), bytes(700, 10));
        for (int i = 0; i < 40; i++) { // enough entries for the overlay folder to span clusters
            Files.write(boot.resolve("overlays/overlay-number-" + i + ".dtbo"), bytes(100 + i, 100 + i));
        }
    }

    private static void rootTree(Path root) throws IOException {
        Files.createDirectories(root.resolve("usr/lib"));
        Files.createDirectories(root.resolve("usr/bin"));
        Files.createDirectories(root.resolve("etc"));
        Files.createSymbolicLink(root.resolve("lib"), Path.of("usr/lib"));
        Files.createSymbolicLink(root.resolve("bin"), Path.of("usr/bin"));
        Files.writeString(root.resolve("etc/hostname"), "raspberrypi\n");
        for (int i = 0; i < 400; i++) { // a hashed (htree) directory on the path to the modules, read linearly
            Files.writeString(root.resolve("usr/lib/libsomething-with-a-long-name-" + i + ".so.0"), "lib " + i + "\n");
        }
        for (String release : List.of(RELEASE, OTHER_RELEASE)) {
            Path dir = root.resolve("usr/lib/modules/" + release);
            StringBuilder dep = new StringBuilder();
            StringBuilder order = new StringBuilder();
            int seed = release.hashCode();
            for (Map.Entry<String, List<String>> m : MODULES.entrySet()) {
                Path f = dir.resolve(m.getKey());
                Files.createDirectories(f.getParent());
                // sizes from under a block to several blocks; ext4.ko large enough for more than one extent run
                int size = m.getKey().contains("ext4") ? 300_000
                        : 500 + Math.abs((m.getKey() + release).hashCode()) % 20_000;
                Files.write(f, bytes(size, seed++));
                dep.append(m.getKey()).append(':');
                for (String d : m.getValue()) {
                    dep.append(' ').append(d);
                }
                dep.append('\n');
                order.append(m.getKey().replace(".ko.xz", ".ko")).append('\n');
            }
            Files.writeString(dir.resolve("modules.dep"), dep.toString());
            Files.writeString(dir.resolve("modules.order"), order.toString());
            Files.writeString(dir.resolve("modules.builtin"), "kernel/drivers/base/firmware_loader/firmware_class.ko\n"
                    + release + "\n");
            Files.writeString(dir.resolve("modules.alias"), "alias of:N*T*Cbrcm,bcm2712-sdhci sdhci_brcmstb\n");
            Files.createSymbolicLink(dir.resolve("build"), Path.of("/usr/src/linux-headers-" + release));
        }
    }

    /** A fake raw arm64 Image: "ARM\x64" at 56 and the banner across a 64 KiB boundary. */
    static byte[] kernel(String release, int size, int seed) {
        byte[] k = bytes(size, seed);
        k[56] = 'A';
        k[57] = 'R';
        k[58] = 'M';
        k[59] = 0x64;
        byte[] decoy = "Linux version %s (%s)".getBytes(StandardCharsets.US_ASCII); // not a release: skipped
        System.arraycopy(decoy, 0, k, 1000, decoy.length);
        byte[] banner = ("Linux version " + release + " (serge@raspberrypi.com) (gcc-12 (Raspbian 12.2.0-14+rpi1)"
                + " 12.2.0) #1 SMP PREEMPT Debian 1:6.12.34-1+rpt1 (2025-06-26)\n").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(banner, 0, k, 65536 - 20, banner.length);
        return k;
    }

    static byte[] bytes(int size, int seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Copies a partition file into the disk image at its offset, leaving zero blocks as holes. */
    static void place(Path part, Path image, long offset) throws IOException {
        try (var in = Files.newInputStream(part); RandomAccessFile out = new RandomAccessFile(image.toFile(), "rw")) {
            byte[] buf = new byte[65536];
            long pos = offset;
            int n;
            while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                if (!SparseFile.zero(buf, 0, n)) {
                    out.seek(pos);
                    out.write(buf, 0, n);
                }
                pos += n;
            }
        }
    }

    static String run(Path dir, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("MTOOLS_SKIP_CHECK", "1");
        pb.environment().put("PATH", System.getenv("PATH") + ":/usr/sbin:/sbin");
        return finish(pb, String.join(" ", cmd));
    }

    private static String finish(ProcessBuilder pb, String what) throws Exception {
        pb.environment().put("PATH", System.getenv("PATH") + ":/usr/sbin:/sbin");
        Process p = pb.start();
        String out = pb.redirectOutput().file() == null ? new String(p.getInputStream().readAllBytes()) : "";
        assertEquals(0, p.waitFor(), what + " failed: " + out);
        return out;
    }
}
