package io.rpideploy.bootenv.control;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * A read-only FAT12/16/32 volume in a scratch copy of the boot partition. Rules from the Microsoft "FAT32 File System
 * Specification" 1.03 (cited as "FAT spec"): BPB, type by cluster count, chains, short and long (VFAT) names.
 * Every number read from the disk is bounds-checked; a damaged volume gives {@link BadImageException}.
 */
final class FatVolume {

    /** A directory entry: the long name if it had a valid one, else the short name with its NT case bits. */
    record Entry(String name, boolean directory, long firstCluster, long size) {
    }

    private static final int MAX_DEPTH = 16;
    private static final int MAX_ENTRIES = 65536; // FAT spec: a directory holds at most 65536 32-byte entries

    private final SparseFile disk;
    private final int bytesPerSector;
    private final int clusterBytes;
    private final int fatBits;
    private final long clusters; // CountofClusters; valid numbers are 2..clusters+1
    private final long dataStart;
    private final long rootDirStart;
    private final int rootEntries;
    private final long rootCluster;
    private final byte[] fat;
    private final BitSet seen = new BitSet();

    private FatVolume(SparseFile disk, long length) throws IOException, BadImageException {
        this.disk = disk;
        byte[] boot = new byte[512];
        disk.read(0, boot, 0, boot.length);
        ByteBuffer b = ByteBuffer.wrap(boot).order(ByteOrder.LITTLE_ENDIAN);
        // FAT spec 3.1-3.3: the BPB fields
        bytesPerSector = b.getShort(11) & 0xffff;
        int sectorsPerCluster = b.get(13) & 0xff;
        int reserved = b.getShort(14) & 0xffff;
        int fats = b.get(16) & 0xff;
        rootEntries = b.getShort(17) & 0xffff;
        long total = (b.getShort(19) & 0xffff) != 0 ? b.getShort(19) & 0xffff : Integer.toUnsignedLong(b.getInt(32));
        long fatSectors = (b.getShort(22) & 0xffff) != 0 ? b.getShort(22) & 0xffff
                : Integer.toUnsignedLong(b.getInt(36));
        if ((boot[510] & 0xff) != 0x55 || (boot[511] & 0xff) != 0xaa
                || bytesPerSector < 512 || bytesPerSector > 4096 || Integer.bitCount(bytesPerSector) != 1
                || sectorsPerCluster == 0 || Integer.bitCount(sectorsPerCluster) != 1 || reserved == 0
                || fats == 0 || fats > 4 || fatSectors == 0 || total == 0) {
            throw new BadImageException("The boot partition is not a FAT file system (no valid boot sector)");
        }
        if (total * bytesPerSector > length) {
            throw new BadImageException("The boot partition's FAT file system is larger than its partition");
        }
        clusterBytes = bytesPerSector * sectorsPerCluster;
        long rootSectors = (rootEntries * 32L + bytesPerSector - 1) / bytesPerSector;
        long firstData = reserved + fats * fatSectors + rootSectors;
        if (firstData >= total) {
            throw new BadImageException("The boot partition's FAT layout is impossible (no data area)");
        }
        clusters = (total - firstData) / sectorsPerCluster;
        // FAT spec 3.5: the type is decided by the cluster count alone
        fatBits = clusters < 4085 ? 12 : clusters < 65525 ? 16 : 32;
        dataStart = firstData * bytesPerSector;
        rootDirStart = (reserved + fats * fatSectors) * bytesPerSector;
        rootCluster = fatBits == 32 ? Integer.toUnsignedLong(b.getInt(44)) & 0x0fffffffL : 0;
        if (fatBits == 32 && !valid(rootCluster)) {
            throw new BadImageException("The boot partition's FAT32 root directory cluster is out of range");
        }
        long fatBytes = ((clusters + 2) * fatBits + 7) / 8;
        if (fatBytes > fatSectors * bytesPerSector) {
            throw new BadImageException("The boot partition's FAT is too small for its clusters");
        }
        if (fatBytes > 16L << 20) { // held in memory: 4M FAT32 clusters, far beyond a Pi boot partition
            throw new BadImageException("The boot partition has too many clusters (" + clusters + ")");
        }
        fat = new byte[(int) fatBytes + 1];
        disk.read((long) reserved * bytesPerSector, fat, 0, (int) fatBytes);
    }

    static FatVolume open(SparseFile disk, long length) throws IOException, BadImageException {
        return new FatVolume(disk, length);
    }

    int fatBits() {
        return fatBits;
    }

    List<Entry> root() throws IOException, BadImageException {
        return fatBits == 32 ? list(new Entry("/", true, rootCluster, 0)) : fixedRoot();
    }

    /** FAT12/16: the root directory is a fixed region after the FATs (FAT spec 3.4). */
    private List<Entry> fixedRoot() throws IOException, BadImageException {
        byte[] data = new byte[rootEntries * 32];
        disk.read(rootDirStart, data, 0, data.length);
        return entries(data, data.length);
    }

    List<Entry> list(Entry dir) throws IOException, BadImageException {
        if (!dir.directory()) {
            throw new IllegalArgumentException(dir.name() + " is not a directory");
        }
        if (dir.firstCluster() == 0) { // ".." of a first-level directory points at the root as cluster 0
            return root();
        }
        List<Long> chain = chain(dir.firstCluster(), (long) MAX_ENTRIES * 32 / clusterBytes + 1, dir.name());
        byte[] data = new byte[chain.size() * clusterBytes];
        for (int i = 0; i < chain.size(); i++) {
            disk.read(clusterOffset(chain.get(i)), data, i * clusterBytes, clusterBytes);
        }
        return entries(data, data.length);
    }

    /** Copies a file's bytes; its chain must cover exactly its size. */
    void copy(Entry file, OutputStream out) throws IOException, BadImageException {
        if (file.size() == 0) {
            return;
        }
        long needed = (file.size() + clusterBytes - 1) / clusterBytes;
        if (needed > clusters) {
            throw new BadImageException("FAT file " + file.name() + " claims " + file.size()
                    + " bytes, more than the partition holds");
        }
        List<Long> chain = chain(file.firstCluster(), needed, file.name());
        if (chain.size() < needed) {
            throw new BadImageException("FAT file " + file.name() + " is cut short: its cluster chain ends after "
                    + chain.size() * (long) clusterBytes + " of " + file.size() + " bytes");
        }
        byte[] buffer = new byte[clusterBytes];
        long left = file.size();
        for (long c : chain) {
            int n = (int) Math.min(left, clusterBytes);
            disk.read(clusterOffset(c), buffer, 0, n);
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    /** Walks a chain for at most {@code limit} clusters; a cluster seen twice is a loop (FAT spec 4). */
    private List<Long> chain(long first, long limit, String name) throws BadImageException {
        List<Long> chain = new ArrayList<>();
        long c = first;
        try {
            while (chain.size() < limit) {
                if (!valid(c)) {
                    throw new BadImageException("FAT entry " + name + " points at cluster " + c
                            + ", outside the volume's clusters 2.." + (clusters + 1));
                }
                if (seen.get((int) c)) {
                    throw new BadImageException("FAT cluster chain of " + name + " loops back to cluster " + c);
                }
                seen.set((int) c);
                chain.add(c);
                long next = next(c);
                if (endOfChain(next)) {
                    break;
                }
                if (chain.size() == limit && valid(next) && seen.get((int) next)) {
                    // the file's clusters are all read, but its chain goes on in a circle: a damaged FAT
                    throw new BadImageException("FAT cluster chain of " + name + " loops back to cluster " + next);
                }
                c = next;
            }
        } finally {
            for (long x : chain) {
                seen.clear((int) x);
            }
        }
        return chain;
    }

    private boolean valid(long c) {
        return c >= 2 && c <= clusters + 1;
    }

    /** FAT spec 4: entry N of FAT12 is 12 bits at N + N/2, FAT16 2N, FAT32 4N with the top nibble reserved. */
    private long next(long c) {
        return switch (fatBits) {
            case 12 -> {
                int at = (int) (c + c / 2);
                int v = (fat[at] & 0xff) | (fat[at + 1] & 0xff) << 8;
                yield (c & 1) == 0 ? v & 0xfff : v >>> 4;
            }
            case 16 -> (fat[(int) (2 * c)] & 0xff) | (fat[(int) (2 * c + 1)] & 0xff) << 8;
            default -> ByteBuffer.wrap(fat, (int) (4 * c), 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0x0fffffffL;
        };
    }

    /** End of chain: >= 0xFF8 / 0xFFF8 / 0x0FFFFFF8; free (0) and bad (…7) also end a chain here, checked by size. */
    private boolean endOfChain(long v) {
        long eoc = fatBits == 12 ? 0xff7 : fatBits == 16 ? 0xfff7 : 0x0ffffff7L;
        return v >= eoc || v < 2;
    }

    private long clusterOffset(long c) {
        return dataStart + (c - 2) * clusterBytes;
    }

    /** FAT spec 6 and 7: 32-byte entries, LFN pieces before their short entry, checked by the short name's sum. */
    private static List<Entry> entries(byte[] d, int length) throws BadImageException {
        List<Entry> out = new ArrayList<>();
        char[] lfn = new char[20 * 13];
        int lfnCount = 0;
        int expect = 0; // next LFN ordinal expected (counting down), 0 = none in progress
        int lfnSum = -1;
        for (int at = 0; at + 32 <= length; at += 32) {
            int first = d[at] & 0xff;
            if (first == 0) {
                break; // FAT spec 6.1: 0x00 = this and all following entries are free
            }
            int attr = d[at + 11] & 0xff;
            if (first == 0xe5) {
                expect = 0;
                continue;
            }
            if ((attr & 0x3f) == 0x0f) { // long name piece
                int ord = first & 0x3f;
                if ((first & 0x40) != 0) {
                    lfnCount = ord;
                    expect = ord;
                    lfnSum = d[at + 13] & 0xff;
                    if (ord == 0 || ord > 20) {
                        expect = 0;
                        continue;
                    }
                }
                if (expect == 0 || ord != expect || (d[at + 13] & 0xff) != lfnSum) {
                    expect = 0;
                    continue;
                }
                int base = (ord - 1) * 13;
                int k = 0;
                for (int off : new int[] {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30}) {
                    lfn[base + k++] = (char) ((d[at + off] & 0xff) | (d[at + off + 1] & 0xff) << 8);
                }
                expect--;
                if (expect == 0) {
                    expect = -1; // complete: the short entry must follow
                }
                continue;
            }
            String name = null;
            if (expect == -1 && checksum(d, at) == lfnSum) {
                StringBuilder s = new StringBuilder();
                for (int i = 0; i < lfnCount * 13; i++) {
                    if (lfn[i] == 0 || lfn[i] == 0xffff) {
                        break;
                    }
                    s.append(lfn[i]);
                }
                name = s.toString();
            }
            expect = 0;
            if ((attr & 0x08) != 0) {
                continue; // volume label
            }
            if (name == null) {
                name = shortName(d, at);
            }
            if (name.equals(".") || name.equals("..")) {
                continue;
            }
            long cluster = ((long) (d[at + 20] & 0xff) << 16 | (d[at + 21] & 0xff) << 24
                    | (d[at + 26] & 0xff) | (d[at + 27] & 0xff) << 8) & 0x0fffffffL;
            long size = ByteBuffer.wrap(d, at + 28, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
            out.add(new Entry(name, (attr & 0x10) != 0, cluster, size));
        }
        return out;
    }

    /** FAT spec 7.2: the rotate-right sum of the 11 short-name bytes. */
    private static int checksum(byte[] d, int at) {
        int sum = 0;
        for (int i = 0; i < 11; i++) {
            sum = (((sum & 1) << 7) + (sum >> 1) + (d[at + i] & 0xff)) & 0xff;
        }
        return sum;
    }

    /** 8.3 name; byte 12 bits 3 and 4 (Windows NT) ask for a lower-case base and extension. */
    private static String shortName(byte[] d, int at) {
        byte[] raw = Arrays.copyOfRange(d, at, at + 11);
        if ((raw[0] & 0xff) == 0x05) {
            raw[0] = (byte) 0xe5; // FAT spec 6.1: 0x05 stands for a real 0xE5 first byte
        }
        String base = new String(raw, 0, 8, StandardCharsets.ISO_8859_1).stripTrailing();
        String ext = new String(raw, 8, 3, StandardCharsets.ISO_8859_1).stripTrailing();
        int nt = d[at + 12] & 0xff;
        if ((nt & 0x08) != 0) {
            base = base.toLowerCase(Locale.ROOT);
        }
        if ((nt & 0x10) != 0) {
            ext = ext.toLowerCase(Locale.ROOT);
        }
        return ext.isEmpty() ? base : base + "." + ext;
    }
}
