package io.rpideploy.bootenv.control;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The partition table at the start of a disk image: MBR, or GPT behind a protective MBR. Sectors are 512 bytes (SD
 * and USB images). Only the boot FAT and the Linux root are picked out.
 */
final class PartitionTable {

    static final int SECTOR = 512;
    /** MBR + GPT header + 128 entries of 128 bytes (UEFI 2.10 5.3): what must be read before any partition. */
    static final int HEAD = 34 * SECTOR;

    private static final String GPT_BASIC_DATA = "ebd0a0a2-b9e5-4433-87c0-68b6b72699c7";
    private static final String GPT_EFI_SYSTEM = "c12a7328-f81f-11d2-ba4b-00a0c93ec93b";
    private static final String GPT_LINUX_FS = "0fc63daf-8483-4772-8e79-3d69d8477de4";

    enum Kind { FAT, LINUX, OTHER }

    record Partition(int number, long offset, long length, Kind kind) {
        long end() {
            return offset + length;
        }
    }

    private PartitionTable() {
    }

    /** The partitions in {@code head} (the image's first {@link #HEAD} bytes, or fewer if the image is shorter). */
    static List<Partition> read(byte[] head, int length) throws BadImageException {
        if (length < SECTOR) {
            throw new BadImageException("The image is too short to hold a partition table (" + length + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(head, 0, length).order(ByteOrder.LITTLE_ENDIAN);
        // MBR signature 0x55 0xAA at 510
        if ((b.get(510) & 0xff) != 0x55 || (b.get(511) & 0xff) != 0xaa) {
            throw new BadImageException("The image has no partition table (no MBR signature in its first sector)");
        }
        List<Partition> mbr = new ArrayList<>();
        boolean protective = false;
        for (int i = 0; i < 4; i++) {
            int e = 446 + 16 * i;
            int type = b.get(e + 4) & 0xff;
            long start = Integer.toUnsignedLong(b.getInt(e + 8));
            long sectors = Integer.toUnsignedLong(b.getInt(e + 12));
            if (type == 0 || sectors == 0) {
                continue;
            }
            if (type == 0xee) {
                protective = true;
                continue;
            }
            Kind kind = switch (type) {
                case 0x01, 0x04, 0x06, 0x0b, 0x0c, 0x0e -> Kind.FAT; // FAT12/16/32, CHS and LBA variants
                case 0x83 -> Kind.LINUX;
                default -> Kind.OTHER;
            };
            mbr.add(new Partition(i + 1, start * SECTOR, sectors * SECTOR, kind));
        }
        List<Partition> parts = protective ? gpt(b, length) : mbr;
        if (parts.isEmpty()) {
            throw new BadImageException("The image's partition table lists no partitions");
        }
        for (Partition p : parts) {
            if (p.offset() < HEAD) {
                throw new BadImageException("Partition " + p.number() + " starts inside the partition table");
            }
        }
        for (int i = 0; i < parts.size(); i++) {
            for (int j = i + 1; j < parts.size(); j++) {
                Partition x = parts.get(i);
                Partition y = parts.get(j);
                if (x.offset() < y.end() && y.offset() < x.end()) {
                    throw new BadImageException("Partitions " + x.number() + " and " + y.number() + " overlap");
                }
            }
        }
        return parts;
    }

    /** GPT header at LBA 1, entries where the header says (UEFI 2.10 5.3.2, 5.3.3); only the first 32 sectors. */
    private static List<Partition> gpt(ByteBuffer b, int length) throws BadImageException {
        if (length < 2 * SECTOR || b.getLong(SECTOR) != 0x5452415020494645L) { // "EFI PART"
            throw new BadImageException("The image has a protective MBR but no GPT header");
        }
        long entriesLba = b.getLong(SECTOR + 72);
        long count = Integer.toUnsignedLong(b.getInt(SECTOR + 80));
        long size = Integer.toUnsignedLong(b.getInt(SECTOR + 84));
        if (size < 128 || size > 4096 || count > 1024 || entriesLba < 2) {
            throw new BadImageException("The image's GPT header is damaged (entry size " + size + ", count " + count
                    + ")");
        }
        List<Partition> parts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long at = entriesLba * SECTOR + i * size;
            if (at + 48 > length) {
                if (at + size > HEAD) {
                    throw new BadImageException(
                            "The image's GPT entries lie beyond the first 32 sectors; not supported");
                }
                throw new BadImageException("The image is truncated inside its GPT");
            }
            int e = (int) at;
            String type = guid(b, e);
            long first = b.getLong(e + 32);
            long last = b.getLong(e + 40);
            if (type.equals("00000000-0000-0000-0000-000000000000")) {
                continue;
            }
            if (first < 0 || last < first || last > Long.MAX_VALUE / SECTOR - 1) {
                throw new BadImageException("GPT entry " + (i + 1) + " has an impossible range");
            }
            Kind kind = switch (type) {
                case GPT_BASIC_DATA, GPT_EFI_SYSTEM -> Kind.FAT;
                case GPT_LINUX_FS -> Kind.LINUX;
                default -> Kind.OTHER;
            };
            parts.add(new Partition(i + 1, first * SECTOR, (last - first + 1) * SECTOR, kind));
        }
        return parts;
    }

    /** Mixed-endian on disk: the first three fields little-endian, the rest as stored. */
    private static String guid(ByteBuffer b, int at) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%08x-%04x-%04x-",
                b.getInt(at), b.getShort(at + 4) & 0xffff, b.getShort(at + 6) & 0xffff));
        for (int i = 8; i < 16; i++) {
            if (i == 10) {
                s.append('-');
            }
            s.append(String.format(Locale.ROOT, "%02x", b.get(at + i) & 0xff));
        }
        return s.toString();
    }
}
