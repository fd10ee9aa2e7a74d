package io.rpideploy.installer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

/**
 * Builds Raspberry-Pi-OS-shaped disk images with Debian's tools: an MBR (sfdisk) with a FAT32 boot partition at
 * 4 MiB (mkfs.vfat + mcopy) and an ext4 root (mkfs.ext4 -d) holding /etc/hostname, /etc/hosts and /etc/fstab.
 */
public final class TestImages {

    /** Which first-boot mechanism the image carries. */
    public enum Variant { BOOKWORM, TRIXIE, LEGACY }

    public static final long BOOT_START = 4L << 20;
    public static final long BOOT_SIZE = 40L << 20;
    public static final long ROOT_START = BOOT_START + BOOT_SIZE;
    public static final long ROOT_SIZE = 24L << 20;
    public static final long IMAGE_SIZE = ROOT_START + ROOT_SIZE;

    private TestImages() {
    }

    public static Path build(Path dir, Variant variant) throws IOException {
        Path work = Files.createDirectories(dir.resolve("build-" + variant));
        Path bootDir = Files.createDirectories(work.resolve("boot"));
        String cmdline = "console=serial0,115200 console=tty1 root=PARTUUID=5e3da1ab-02 rootfstype=ext4 "
                + "fsck.repair=yes rootwait quiet splash plymouth.ignore-serial-consoles";
        if (variant == Variant.BOOKWORM) {
            cmdline += " init=/usr/lib/raspberrypi-sys-mods/firstboot";
        }
        Files.writeString(bootDir.resolve("cmdline.txt"), cmdline + "\n");
        Files.writeString(bootDir.resolve("config.txt"), "[all]\ndtparam=audio=on\ncamera_auto_detect=1\n"
                + "dtoverlay=vc4-kms-v3d\narm_64bit=1\n");
        if (variant == Variant.TRIXIE) {
            Files.writeString(bootDir.resolve("user-data"), "#cloud-config\nhostname: raspberrypi\n"
                    + "manage_etc_hosts: true\nusers:\n  - name: pi\n    groups: sudo\n");
            Files.writeString(bootDir.resolve("meta-data"), "instance-id: rpi-image-1\n");
            Files.writeString(bootDir.resolve("network-config"), "version: 2\n");
        }
        Path boot = work.resolve("boot.img");
        Files.deleteIfExists(boot);
        Sh.run("mkfs.vfat", "-F", "32", "-S", "512", "-s", "1", "-n", "bootfs", "-C", boot.toString(),
                String.valueOf(BOOT_SIZE >> 10));
        try (var files = Files.list(bootDir)) {
            for (Path f : files.toList()) {
                Sh.run("mcopy", "-i", boot.toString(), f.toString(), "::/" + f.getFileName());
            }
        }
        Path rootDir = Files.createDirectories(work.resolve("root"));
        Path etc = Files.createDirectories(rootDir.resolve("etc"));
        Files.writeString(etc.resolve("hostname"), "raspberrypi\n");
        Files.writeString(etc.resolve("hosts"), "127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n"
                + "ff02::1\t\tip6-allnodes\n\n127.0.1.1\t\traspberrypi\n");
        Files.writeString(etc.resolve("fstab"), "proc /proc proc defaults 0 0\nPARTUUID=5e3da1ab-01 "
                + (variant == Variant.LEGACY ? "/boot" : "/boot/firmware") + " vfat defaults 0 2\n"
                + "PARTUUID=5e3da1ab-02 / ext4 defaults,noatime 0 1\n");
        Path share = Files.createDirectories(rootDir.resolve("usr/share/kxp"));
        writePayload(share.resolve("payload.bin"), 8 << 20, variant.ordinal());
        Path root = work.resolve("root.img");
        Files.deleteIfExists(root);
        Sh.run("mkfs.ext4", "-q", "-F", "-L", "rootfs", "-d", rootDir.toString(), root.toString(),
                (ROOT_SIZE >> 20) + "M");
        Path disk = dir.resolve("rpios-" + variant.name().toLowerCase() + ".img");
        Files.deleteIfExists(disk);
        Sh.run("truncate", "-s", String.valueOf(IMAGE_SIZE), disk.toString());
        Sh.bash("printf 'label: dos\\nlabel-id: 0x5e3da1ab\\nstart=%d, size=%d, type=c\\nstart=%d, size=%d, type=83\\n' "
                + BOOT_START / 512 + " " + BOOT_SIZE / 512 + " " + ROOT_START / 512 + " " + ROOT_SIZE / 512
                + " | sfdisk -q " + disk);
        Sh.run("dd", "if=" + boot, "of=" + disk, "bs=1M", "seek=" + (BOOT_START >> 20), "conv=notrunc,sparse",
                "status=none");
        Sh.run("dd", "if=" + root, "of=" + disk, "bs=1M", "seek=" + (ROOT_START >> 20), "conv=notrunc,sparse",
                "status=none");
        return disk;
    }

    /** Half text-like (compressible), half zero blocks, like a real root fs. */
    static void writePayload(Path file, int size, int seed) throws IOException {
        Random random = new Random(42 + seed);
        byte[] block = new byte[4096];
        byte[] words = "kart race camera recorder venue lap sensor frame pi deploy ".getBytes(StandardCharsets.US_ASCII);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int written = 0; written < size; written += block.length) {
                if (random.nextInt(4) == 0) {
                    java.util.Arrays.fill(block, (byte) 0);
                } else {
                    for (int i = 0; i < block.length; i++) {
                        block[i] = random.nextInt(8) == 0 ? (byte) random.nextInt(256) : words[random.nextInt(words.length)];
                    }
                }
                out.write(block);
            }
        }
    }

    public static String sha256(Path file) throws IOException {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            try (var in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 20];
                int n;
                while ((n = in.read(buf)) > 0) {
                    d.update(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** sha256 of bytes [start, start+len) of a file or device. */
    public static String sha256(Path file, long start, long len) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(file)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1 << 20);
            long pos = start;
            while (pos < start + len) {
                buf.clear().limit((int) Math.min(buf.capacity(), start + len - pos));
                int n = ch.read(buf, pos);
                if (n < 0) {
                    break;
                }
                d.update(buf.array(), 0, n);
                pos += n;
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A bmaptool-format (2.0) block map of the file's non-zero 4 KiB blocks, each range with its SHA-256. */
    public static String bmap(Path image) throws IOException {
        long size = Files.size(image);
        int bs = 4096;
        long blocks = (size + bs - 1) / bs;
        StringBuilder ranges = new StringBuilder();
        long mapped = 0;
        try (var ch = java.nio.channels.FileChannel.open(image)) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(bs);
            long first = -1;
            for (long b = 0; b <= blocks; b++) {
                boolean data = false;
                if (b < blocks) {
                    buf.clear();
                    ch.read(buf, b * bs);
                    for (int i = 0; i < buf.position() && !data; i++) {
                        data = buf.get(i) != 0;
                    }
                }
                if (data && first < 0) {
                    first = b;
                } else if (!data && first >= 0) {
                    long last = b - 1;
                    long len = Math.min((last + 1) * bs, size) - first * bs;
                    ranges.append("        <Range chksum=\"").append(sha256(image, first * bs, len)).append("\">")
                            .append(first == last ? String.valueOf(first) : first + "-" + last).append("</Range>\n");
                    mapped += last - first + 1;
                    first = -1;
                }
            }
        }
        String zero = "0".repeat(64);
        String xml = "<?xml version=\"1.0\" ?>\n<bmap version=\"2.0\">\n    <ImageSize> " + size + " </ImageSize>\n"
                + "    <BlockSize> " + bs + " </BlockSize>\n    <BlocksCount> " + blocks + " </BlocksCount>\n"
                + "    <MappedBlocksCount> " + mapped + " </MappedBlocksCount>\n    <ChecksumType> sha256 </ChecksumType>\n"
                + "    <BmapFileChecksum> " + zero + " </BmapFileChecksum>\n    <BlockMap>\n" + ranges
                + "    </BlockMap>\n</bmap>\n";
        try {
            String sum = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(xml.getBytes(StandardCharsets.UTF_8)));
            return xml.replace(zero, sum);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
