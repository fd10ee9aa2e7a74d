package io.rpideploy.ops.image;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * A card as read off a Raspberry Pi OS Bookworm board that has booted: MBR (sfdisk), FAT32 boot partition at 4 MiB
 * with config.txt and a cmdline.txt whose firstboot init is gone, and an ext4 root (4 KiB blocks, made with
 * {@code mkfs.ext4 -d}) grown to the card's end, holding /etc, the firstboot script and data, plus garbage in its
 * free blocks from a deleted file, as a used card has.
 */
public final class PiCard {

    static final long SECTOR = 512;
    static final long BOOT_START = 8192;
    static final long BOOT_SECTORS = 64L * 2048;
    static final long ROOT_START = BOOT_START + BOOT_SECTORS;
    static final String CMDLINE = "console=serial0,115200 console=tty1 root=PARTUUID=5e3da1b0-02 rootfstype=ext4"
            + " fsck.repair=yes rootwait quiet splash plymouth.ignore-serial-consoles";

    public final Path image;
    public final Path rootDir;

    private PiCard(Path image, Path rootDir) {
        this.image = image;
        this.rootDir = rootDir;
    }

    public static long rootOffset() {
        return ROOT_START * SECTOR;
    }

    static long bootOffset() {
        return BOOT_START * SECTOR;
    }

    /** A card with a root partition of {@code rootMib} MiB; without {@code ext4Root} it holds FAT instead. */
    public static PiCard build(Path dir, String name, long rootMib, boolean ext4Root) throws IOException {
        Path work = Files.createDirectories(dir.resolve(name + ".parts"));
        Path root = Files.createDirectories(work.resolve("root"));
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/hostname"), "raspberrypi\n");
        Files.createDirectories(root.resolve("usr/lib/raspberrypi-sys-mods"));
        Files.writeString(root.resolve("usr/lib/raspberrypi-sys-mods/firstboot"), "#!/bin/sh\n# grows the root\n");
        Files.createDirectories(root.resolve("home/pi"));
        byte[] data = new byte[6 << 20];
        new Random(11).nextBytes(data);
        Files.write(root.resolve("home/pi/app.bin"), data);
        // a file whose middle blocks are zeros (written below: mkfs -d would leave them as holes); data the bmap
        // must map though it reads as zeros
        byte[] zeros = new byte[64 << 10];
        new Random(12).nextBytes(zeros);
        Files.write(root.resolve("home/pi/zeros.bin"), zeros);

        Path boot = work.resolve("boot.part");
        Path rootPart = work.resolve("root.part");
        Path cmdline = work.resolve("cmdline.txt");
        Files.writeString(cmdline, CMDLINE + "\n");
        Path config = work.resolve("config.txt");
        Files.writeString(config, "arm_64bit=1\ndtoverlay=vc4-kms-v3d\n");
        must("truncate", "-s", String.valueOf(BOOT_SECTORS * SECTOR), boot.toString());
        must("mkfs.vfat", "-F", "32", "-S", "512", "-s", "1", "-n", "BOOTFS", boot.toString());
        must("mcopy", "-i", boot.toString(), cmdline.toString(), "::cmdline.txt");
        must("mcopy", "-i", boot.toString(), config.toString(), "::config.txt");
        long rootBytes = rootMib << 20;
        must("truncate", "-s", String.valueOf(rootBytes), rootPart.toString());
        if (ext4Root) {
            must("mkfs.ext4", "-q", "-F", "-b", "4096", "-L", "rootfs", "-d", root.toString(), rootPart.toString());
            String[] blocks = must("debugfs", "-R", "blocks /home/pi/zeros.bin", rootPart.toString()).strip()
                    .split("\\s+");
            try (RandomAccessFile f = new RandomAccessFile(rootPart.toFile(), "rw")) {
                for (int i = 4; i < 12; i++) {
                    f.seek(Long.parseLong(blocks[i]) * 4096);
                    f.write(new byte[4096]);
                }
            }
            java.util.Arrays.fill(zeros, 16 << 10, 48 << 10, (byte) 0);
            Files.write(root.resolve("home/pi/zeros.bin"), zeros);
            // a used card: a large file written and deleted leaves garbage in free blocks
            Path junk = work.resolve("junk");
            byte[] garbage = new byte[24 << 20];
            new Random(13).nextBytes(garbage);
            Files.write(junk, garbage);
            must("debugfs", "-w", "-R", "write " + junk + " junk", rootPart.toString());
            must("debugfs", "-w", "-R", "rm junk", rootPart.toString());
            Files.delete(junk);
        } else {
            must("mkfs.vfat", "-F", "32", "-n", "DATA", rootPart.toString());
        }
        Path image = dir.resolve(name);
        must("truncate", "-s", String.valueOf(rootOffset() + rootBytes), image.toString());
        Tool.withInput(30, "label: dos\nlabel-id: 0x5e3da1b0\nstart=" + BOOT_START + ", size=" + BOOT_SECTORS
                + ", type=c\nstart=" + ROOT_START + ", type=" + (ext4Root ? "83" : "c") + "\n", "sfdisk", "-q",
                image.toString()).orFail();
        must("dd", "if=" + boot, "of=" + image, "bs=1M", "seek=" + (bootOffset() >> 20), "conv=notrunc,sparse",
                "status=none");
        must("dd", "if=" + rootPart, "of=" + image, "bs=1M", "seek=" + (rootOffset() >> 20), "conv=notrunc,sparse",
                "status=none");
        Files.delete(boot);
        Files.delete(rootPart);
        return new PiCard(image, root);
    }

    static String must(String... command) throws IOException {
        return Tool.must(120, command).stdout();
    }
}
