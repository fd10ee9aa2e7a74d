package io.rpideploy.bootenv.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A read-only ext4 file system that arrives as a stream, block by block, over several passes. Only blocks someone
 * asked for ({@link #want}) are kept, in a sparse scratch file at their own offset. Pass 1 keeps the superblock, the
 * group descriptors, the used part of every inode table and, if asked to guess ahead, every directory's blocks; the
 * readers ({@link #inode}, {@link #list}, {@link #copy}) then throw {@link NotYet} after asking for what they lack,
 * and the next pass fetches it. Layout rules from the kernel's Documentation/filesystems/ext4/ ("ext4 doc":
 * cited by file).
 */
final class Ext4Volume {

    /** Called for each wanted block as it arrives (or at once, if it is already here). */
    interface Hook {
        void arrived(long block) throws IOException, BadImageException;
    }

    /** Some blocks were missing; they have been asked for, so the next pass brings them. */
    static final class NotYet extends Exception {
        NotYet() {
            super(null, null, false, false);
        }
    }

    record Inode(long number, int mode, long size, int flags, int links, byte[] block) {
        boolean directory() {
            return (mode & 0xf000) == 0x4000;
        }

        boolean regular() {
            return (mode & 0xf000) == 0x8000;
        }

        boolean symlink() {
            return (mode & 0xf000) == 0xa000;
        }
    }

    private static final class Want {
        final long end;
        final Hook hook;
        Want next;

        Want(long end, Hook hook) {
            this.end = end;
            this.hook = hook;
        }
    }

    static final long ROOT_INODE = 2; // ext4 doc special_inodes.rst
    private static final int EXTENTS_FL = 0x80000;
    private static final int INLINE_DATA_FL = 0x10000000;
    private static final int INCOMPAT_COMPRESSION = 0x1;
    private static final int INCOMPAT_FILETYPE = 0x2;
    private static final int INCOMPAT_JOURNAL_DEV = 0x8;
    private static final int INCOMPAT_META_BG = 0x10;
    private static final int INCOMPAT_64BIT = 0x80;
    private static final int INCOMPAT_DIRDATA = 0x1000;
    private static final int RO_COMPAT_GDT_CSUM = 0x10;
    private static final int RO_COMPAT_METADATA_CSUM = 0x400;
    private static final int BG_INODE_UNINIT = 0x1;
    /** Directory blocks kept ahead of need in pass 1 at most (1 GiB at 4 KiB blocks); beyond, fetched on demand. */
    private static final long MAX_SPECULATIVE = 1L << 18;
    private static final long MAX_READ = 64L << 20;

    private final SparseFile scratch;
    private final boolean guessDirectories;
    private final long partitionLength;
    private final TreeMap<Long, Want> wanted = new TreeMap<>();
    private final List<long[]> deferredRanges = new ArrayList<>();
    private final List<Hook> deferredHooks = new ArrayList<>();
    private BitSet have = new BitSet();
    private long cursor = -1;
    private boolean known;
    private int blockSize = 1024; // until the superblock says otherwise
    private long blocks;
    private long firstDataBlock;
    private long blocksPerGroup;
    private long inodesPerGroup;
    private long inodes;
    private int inodeSize;
    private int descSize;
    private int groups;
    private int incompat;
    private int roCompat;
    private long[] tables;
    private int[] usedInodes;
    private long speculative;
    private long kept;

    /**
     * {@code guessDirectories}: keep every directory's blocks in pass 1, for a stream where each pass decodes the whole
     * image; where a pass can seek (raw, multi-block .xz), fetching each level on demand costs less.
     */
    Ext4Volume(SparseFile scratch, long partitionLength, boolean guessDirectories)
            throws IOException, BadImageException {
        this.scratch = scratch;
        this.guessDirectories = guessDirectories;
        this.partitionLength = partitionLength;
        this.blocks = partitionLength / 1024;
        // ext4 doc super.rst: the superblock is 1024 bytes at offset 1024, whatever the block size
        want(1, 2, this::superblock);
    }

    int blockSize() {
        return blockSize;
    }

    /** Blocks written to the scratch file (zeros excluded). */
    long scratchBytes() {
        return scratch.written();
    }

    /** Blocks kept so far; a change tells a reader it may now get further. */
    long keptBlocks() {
        return kept;
    }

    // ---- the stream side: what the pass driver asks and gives

    /** The next block a pass must bring, or -1. */
    long nextWanted() {
        return wanted.isEmpty() ? -1 : wanted.firstKey();
    }

    /** The block {@link #nextWanted()} named has arrived: keep it, move the rest of its ranges on, call hooks. */
    void arrive(long block, byte[] data) throws IOException, BadImageException {
        cursor = block;
        Want w = wanted.remove(block);
        if (!have.get((int) block)) {
            scratch.write(block * blockSize, data, 0, blockSize);
            have.set((int) block);
            kept++;
        }
        List<Hook> hooks = new ArrayList<>();
        for (; w != null; w = w.next) {
            if (w.end > block + 1) {
                push(block + 1, w.end, w.hook);
            }
            if (w.hook != null) {
                hooks.add(w.hook);
            }
        }
        for (Hook h : hooks) {
            h.arrived(block);
        }
    }

    /** A pass ended: anything still wanted lies beyond the image's end. */
    void endPass(boolean imageEnded) throws BadImageException {
        if (!wanted.isEmpty()) {
            throw new BadImageException("The image ends before block " + wanted.firstKey()
                    + " of its root file system: it is truncated" + (imageEnded ? "" : " (the pass stopped early)"));
        }
        cursor = Long.MAX_VALUE / 2; // everything not here is behind: wanted again next pass
    }

    /** A new pass starts from the image's first byte: what was missed behind the last one is wanted again. */
    boolean startPass() throws IOException, BadImageException {
        cursor = -1;
        List<long[]> ranges = new ArrayList<>(deferredRanges);
        List<Hook> hooks = new ArrayList<>(deferredHooks);
        deferredRanges.clear();
        deferredHooks.clear();
        for (int i = 0; i < ranges.size(); i++) {
            want(ranges.get(i)[0], ranges.get(i)[1], hooks.get(i));
        }
        return !wanted.isEmpty();
    }

    /** Asks for blocks [start, end): those here go straight to the hook, those passed wait for the next pass. */
    void want(long start, long end, Hook hook) throws IOException, BadImageException {
        if (start < 0 || end > blocks || start >= end) {
            throw new BadImageException("The root file system is damaged: block range " + start + ".." + end
                    + " lies outside its " + blocks + " blocks");
        }
        long run = -1;
        for (long b = start; b <= end; b++) {
            boolean missing = b < end && !have.get((int) b);
            if (missing && run < 0) {
                run = b;
            }
            if (!missing && run >= 0) { // a run of missing blocks [run, b): what has passed waits for the next pass
                long split = Math.max(run, Math.min(b, cursor + 1));
                if (split > run) {
                    deferredRanges.add(new long[] {run, split});
                    deferredHooks.add(hook);
                }
                if (b > split) {
                    push(split, b, hook);
                }
                run = -1;
            }
            if (b < end && !missing && hook != null) {
                hook.arrived(b);
            }
        }
    }

    private void push(long start, long end, Hook hook) {
        Want w = new Want(end, hook);
        w.next = wanted.get(start);
        wanted.put(start, w);
    }

    // ---- pass 1: superblock, descriptors, inode tables, directories

    /** ext4 doc super.rst "Super Block". */
    private void superblock(long ignored) throws IOException, BadImageException {
        ByteBuffer s = ByteBuffer.wrap(read(1024, 1024)).order(ByteOrder.LITTLE_ENDIAN);
        if ((s.getShort(0x38) & 0xffff) != 0xef53) {
            throw new BadImageException("The root partition is not an ext2/3/4 file system (no superblock magic)");
        }
        int log = s.getInt(0x18);
        if (log < 0 || log > 6) {
            throw new BadImageException("The root file system's block size is impossible (log " + log + ")");
        }
        int size = 1024 << log;
        incompat = s.getInt(0x60);
        roCompat = s.getInt(0x64);
        long count = Integer.toUnsignedLong(s.getInt(0x4));
        if ((incompat & INCOMPAT_64BIT) != 0) {
            count |= Integer.toUnsignedLong(s.getInt(0x150)) << 32;
        }
        firstDataBlock = Integer.toUnsignedLong(s.getInt(0x14));
        blocksPerGroup = Integer.toUnsignedLong(s.getInt(0x20));
        inodesPerGroup = Integer.toUnsignedLong(s.getInt(0x28));
        inodes = Integer.toUnsignedLong(s.getInt(0x0));
        int rev = s.getInt(0x4c);
        inodeSize = rev == 0 ? 128 : s.getShort(0x58) & 0xffff;
        descSize = (incompat & INCOMPAT_64BIT) != 0 ? s.getShort(0xfe) & 0xffff : 32;
        if ((incompat & (INCOMPAT_COMPRESSION | INCOMPAT_JOURNAL_DEV | INCOMPAT_META_BG | INCOMPAT_DIRDATA)) != 0) {
            throw new BadImageException("The root file system uses ext4 features this reader does not support"
                    + " (incompat flags 0x" + Integer.toHexString(incompat) + ": meta_bg, compression, journal device"
                    + " or dirdata)");
        }
        if (count * size > partitionLength || count > Integer.MAX_VALUE || blocksPerGroup == 0
                || blocksPerGroup > 8L * size || inodesPerGroup == 0 || inodeSize < 128 || inodeSize > size
                || Integer.bitCount(inodeSize) != 1 || descSize < 32 || descSize > 1024
                || Integer.bitCount(descSize) != 1 || firstDataBlock >= count) {
            throw new BadImageException("The root file system's superblock is damaged or larger than its partition");
        }
        long g = (count - firstDataBlock + blocksPerGroup - 1) / blocksPerGroup;
        if (g > 1 << 22 || inodesPerGroup * g < inodes || inodesPerGroup > 8L * size) {
            throw new BadImageException("The root file system's superblock is damaged (group counts)");
        }
        // from here on, block numbers are in the file system's own block size
        groups = (int) g;
        blockSize = size;
        blocks = count;
        have = new BitSet();
        cursor = 1024 / size; // the superblock's block has passed
        known = true;
        tables = new long[groups];
        usedInodes = new int[groups];
        // ext4 doc blockgroup.rst, group_descr.rst: the descriptor table starts in the block after the superblock's
        long first = firstDataBlock + 1;
        long descBlocks = ((long) groups * descSize + size - 1) / size;
        want(first, first + descBlocks, b -> descriptors(b - first));
    }

    /** ext4 doc group_descr.rst "Block Group Descriptors": where each group's inode table is, and how much is used. */
    private void descriptors(long index) throws IOException, BadImageException {
        long perBlock = blockSize / descSize;
        ByteBuffer d = ByteBuffer.wrap(read((firstDataBlock + 1 + index) * blockSize, blockSize))
                .order(ByteOrder.LITTLE_ENDIAN);
        boolean csum = (roCompat & (RO_COMPAT_GDT_CSUM | RO_COMPAT_METADATA_CSUM)) != 0;
        long tableBlocks = (inodesPerGroup * inodeSize + blockSize - 1) / blockSize;
        for (int i = 0; i < perBlock; i++) {
            long group = index * perBlock + i;
            if (group >= groups) {
                break;
            }
            int at = i * descSize;
            long table = Integer.toUnsignedLong(d.getInt(at + 0x8));
            long unused = d.getShort(at + 0x1c) & 0xffff;
            if (descSize >= 64) {
                table |= Integer.toUnsignedLong(d.getInt(at + 0x28)) << 32;
                unused |= (long) (d.getShort(at + 0x32) & 0xffff) << 16;
            }
            int flags = d.getShort(at + 0x12) & 0xffff;
            long used = inodesPerGroup;
            if (csum) { // uninit_bg / metadata_csum: the table's tail (or all of it) was never written
                used = (flags & BG_INODE_UNINIT) != 0 ? 0 : Math.max(0, inodesPerGroup - unused);
            }
            if (table == 0 || table + tableBlocks > blocks) {
                throw new BadImageException("The root file system's group " + group + " has its inode table"
                        + " outside the file system");
            }
            tables[(int) group] = table;
            usedInodes[(int) group] = (int) used;
            if (used > 0) {
                final int g = (int) group;
                long end = table + (used * inodeSize + blockSize - 1) / blockSize;
                want(table, end, b -> inodeTableBlock(g, b));
            }
        }
    }

    /** Guessing ahead: every directory found in an arriving inode table block has its blocks kept too. */
    private void inodeTableBlock(int group, long block) throws IOException, BadImageException {
        if (!guessDirectories || speculative > MAX_SPECULATIVE) {
            return;
        }
        long firstIndex = (block - tables[group]) * blockSize / inodeSize;
        int perBlock = blockSize / inodeSize;
        byte[] data = read(block * blockSize, blockSize);
        for (int i = 0; i < perBlock && firstIndex + i < usedInodes[group]; i++) {
            Inode inode = parse(group * inodesPerGroup + firstIndex + i + 1, data, i * inodeSize);
            if (inode.directory() && inode.links() > 0 && (inode.flags() & EXTENTS_FL) != 0
                    && inode.size() <= MAX_READ) {
                speculative += (inode.size() + blockSize - 1) / blockSize;
                wantTree(inode.block(), 0, 0);
            }
        }
    }

    /** Asks for everything under an extent node: index children (followed as they arrive) and leaf data. */
    private void wantTree(byte[] node, int at, int level) throws IOException, BadImageException {
        ByteBuffer n = ByteBuffer.wrap(node).order(ByteOrder.LITTLE_ENDIAN);
        int entries = header(n, at, node.length, level);
        int depth = n.getShort(at + 6) & 0xffff;
        for (int i = 0; i < entries; i++) {
            int e = at + 12 + 12 * i;
            if (depth == 0) {
                int len = n.getShort(e + 4) & 0xffff;
                if (len > 32768) {
                    continue; // uninitialised extent: reads as zeros
                }
                long start = (long) (n.getShort(e + 6) & 0xffff) << 32 | Integer.toUnsignedLong(n.getInt(e + 8));
                if (len > 0) {
                    want(start, start + len, null);
                }
            } else {
                long child = (long) (n.getShort(e + 8) & 0xffff) << 32 | Integer.toUnsignedLong(n.getInt(e + 4));
                want(child, child + 1, b -> wantTree(read(b * blockSize, blockSize), 0, level + 1));
            }
        }
    }

    /** ext4 doc ifork.rst "Extent Tree": magic 0xF30A, entries <= max, depth at most 5. */
    private int header(ByteBuffer n, int at, int length, int level) throws BadImageException {
        int magic = n.getShort(at) & 0xffff;
        int entries = n.getShort(at + 2) & 0xffff;
        int max = n.getShort(at + 4) & 0xffff;
        int depth = n.getShort(at + 6) & 0xffff;
        if (magic != 0xf30a || entries > max || at + 12 + 12L * max > length || depth > 5 || level > 5) {
            throw new BadImageException("The root file system is damaged: a bad extent tree node");
        }
        return entries;
    }

    // ---- the reading side, over what is in the scratch file

    /** ext4 doc inodes.rst "Finding an Inode": group, index, then the table of that group. */
    Inode inode(long number) throws IOException, BadImageException, NotYet {
        if (!known) {
            throw new NotYet();
        }
        if (number < 1 || number > inodes) {
            throw new BadImageException("The root file system is damaged: inode " + number + " does not exist");
        }
        int group = (int) ((number - 1) / inodesPerGroup);
        long index = (number - 1) % inodesPerGroup;
        if (index >= usedInodes[group]) {
            throw new BadImageException("The root file system is damaged: a directory names unused inode " + number);
        }
        long offset = tables[group] * blockSize + index * inodeSize;
        long block = offset / blockSize;
        if (!have.get((int) block)) {
            want(block, block + 1, null);
            throw new NotYet();
        }
        return parse(number, read(offset, inodeSize), 0);
    }

    private Inode parse(long number, byte[] d, int at) {
        ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
        int mode = b.getShort(at) & 0xffff;
        long size = Integer.toUnsignedLong(b.getInt(at + 0x4)) | Integer.toUnsignedLong(b.getInt(at + 0x6c)) << 32;
        int links = b.getShort(at + 0x1a) & 0xffff;
        int flags = b.getInt(at + 0x20);
        byte[] block = new byte[60];
        System.arraycopy(d, at + 0x28, block, 0, 60);
        return new Inode(number, mode, size, flags, links, block);
    }

    /** The extents of a file as {logical, physical, length}, asking for missing index blocks. */
    private List<long[]> extents(Inode inode, String what) throws IOException, BadImageException, NotYet {
        if ((inode.flags() & INLINE_DATA_FL) != 0) {
            throw new BadImageException("The root file system stores " + what
                    + " inline (inline_data feature); not supported");
        }
        if ((inode.flags() & EXTENTS_FL) == 0) {
            throw new BadImageException("The root file system maps " + what
                    + " with ext2/3 block maps, not extents; only ext4 with extents is supported");
        }
        List<long[]> out = new ArrayList<>();
        boolean missing = collect(inode.block(), 0, out, 0);
        if (missing) {
            throw new NotYet();
        }
        return out;
    }

    private boolean collect(byte[] node, int at, List<long[]> out, int level) throws IOException, BadImageException {
        ByteBuffer n = ByteBuffer.wrap(node).order(ByteOrder.LITTLE_ENDIAN);
        int entries = header(n, at, node.length, level);
        int depth = n.getShort(at + 6) & 0xffff;
        boolean missing = false;
        for (int i = 0; i < entries; i++) {
            int e = at + 12 + 12 * i;
            long logical = Integer.toUnsignedLong(n.getInt(e));
            if (depth == 0) {
                int len = n.getShort(e + 4) & 0xffff;
                boolean uninit = len > 32768;
                long start = (long) (n.getShort(e + 6) & 0xffff) << 32 | Integer.toUnsignedLong(n.getInt(e + 8));
                len = uninit ? len - 32768 : len;
                if (start + len > blocks) {
                    throw new BadImageException("The root file system is damaged: an extent lies outside it");
                }
                out.add(new long[] {logical, uninit ? -1 : start, len});
            } else {
                long child = (long) (n.getShort(e + 8) & 0xffff) << 32 | Integer.toUnsignedLong(n.getInt(e + 4));
                if (child >= blocks) {
                    throw new BadImageException("The root file system is damaged: an extent index lies outside it");
                }
                if (!have.get((int) child)) {
                    want(child, child + 1, b -> wantTree(read(b * blockSize, blockSize), 0, level + 1));
                    missing = true;
                } else {
                    missing |= collect(read(child * blockSize, blockSize), 0, out, level + 1);
                }
            }
        }
        return missing;
    }

    /** Makes sure every data block of the file is here; asks for the missing ones. */
    void fetch(Inode inode, String what) throws IOException, BadImageException, NotYet {
        boolean missing = false;
        long needed = (inode.size() + blockSize - 1) / blockSize;
        for (long[] x : extents(inode, what)) {
            if (x[1] < 0 || x[0] >= needed) {
                continue;
            }
            long len = Math.min(x[2], needed - x[0]);
            for (long b = x[1]; b < x[1] + len; b++) {
                if (!have.get((int) b)) {
                    missing = true;
                    want(b, x[1] + len, null);
                    break;
                }
            }
        }
        if (missing) {
            throw new NotYet();
        }
    }

    /** Writes the file's bytes; holes and uninitialised extents are zeros (ext4 doc ifork.rst). */
    void copy(Inode inode, String what, OutputStream out) throws IOException, BadImageException, NotYet {
        fetch(inode, what);
        List<long[]> extents = extents(inode, what);
        extents.sort((a, b) -> Long.compare(a[0], b[0]));
        byte[] buffer = new byte[blockSize];
        byte[] zeros = new byte[blockSize];
        long left = inode.size();
        long logical = 0;
        int next = 0;
        while (left > 0) {
            while (next < extents.size() && extents.get(next)[0] + extents.get(next)[2] <= logical) {
                next++;
            }
            long[] x = next < extents.size() ? extents.get(next) : null;
            int n = (int) Math.min(left, blockSize);
            if (x != null && x[0] <= logical && x[1] >= 0) {
                scratch.read((x[1] + logical - x[0]) * blockSize, buffer, 0, n);
                out.write(buffer, 0, n);
            } else {
                out.write(zeros, 0, n);
            }
            left -= n;
            logical++;
        }
    }

    byte[] readAll(Inode inode, String what, long limit) throws IOException, BadImageException, NotYet {
        if (inode.size() > limit) {
            throw new BadImageException("The root file system's " + what + " is too large (" + inode.size()
                    + " bytes)");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) inode.size());
        copy(inode, what, out);
        return out.toByteArray();
    }

    /** ext4 doc directory.rst "Linear (Classic) Directories"; hash-tree blocks read as empty entries. */
    Map<String, Long> list(Inode dir, String what) throws IOException, BadImageException, NotYet {
        if (!dir.directory()) {
            throw new IllegalArgumentException(what + " is not a directory");
        }
        byte[] d = readAll(dir, what, MAX_READ);
        ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
        boolean filetype = (incompat & INCOMPAT_FILETYPE) != 0;
        Map<String, Long> out = new LinkedHashMap<>();
        for (int blockStart = 0; blockStart < d.length; blockStart += blockSize) {
            int end = Math.min(d.length, blockStart + blockSize);
            int at = blockStart;
            while (at + 8 <= end) {
                long ino = Integer.toUnsignedLong(b.getInt(at));
                int rec = b.getShort(at + 4) & 0xffff;
                int nameLen = filetype ? d[at + 6] & 0xff : b.getShort(at + 6) & 0xffff;
                if (rec < 8 || rec % 4 != 0 || at + rec > end || 8 + nameLen > rec) {
                    throw new BadImageException("The root file system is damaged: a bad entry in directory " + what);
                }
                if (ino != 0 && nameLen > 0) {
                    out.put(new String(d, at + 8, nameLen, StandardCharsets.UTF_8), ino);
                }
                at += rec;
            }
        }
        return out;
    }

    /** A symlink's target: in the inode itself when under 60 bytes (ext4 doc ifork.rst), else in a data block. */
    String readLink(Inode link, String what) throws IOException, BadImageException, NotYet {
        if (link.size() < 60 && (link.flags() & (EXTENTS_FL | INLINE_DATA_FL)) == 0) {
            return new String(link.block(), 0, (int) link.size(), StandardCharsets.UTF_8);
        }
        return new String(readAll(link, what, 4096), StandardCharsets.UTF_8);
    }

    /**
     * The inode at {@code path}, following symlinks (absolute ones from this file system's root, at most 16 in all);
     * null if a part does not exist.
     */
    Inode lookup(String path) throws IOException, BadImageException, NotYet {
        return lookup(inode(ROOT_INODE), path, new int[1]);
    }

    Inode lookup(Inode from, String path, int[] hops) throws IOException, BadImageException, NotYet {
        Inode cur = path.startsWith("/") ? inode(ROOT_INODE) : from;
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (!cur.directory()) {
                return null;
            }
            Long child = list(cur, part).get(part);
            if (child == null) {
                return null;
            }
            Inode next = inode(child);
            if (next.symlink()) {
                if (++hops[0] > 16) {
                    throw new BadImageException("The root file system has a symlink loop at " + path);
                }
                next = lookup(cur, readLink(next, path), hops);
                if (next == null) {
                    return null;
                }
            }
            cur = next;
        }
        return cur;
    }

    private byte[] read(long offset, int length) throws IOException {
        byte[] d = new byte[length];
        scratch.read(offset, d, 0, length);
        return d;
    }
}
