package io.rpideploy.ops.image;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pishrink steps on a card image, without mount, loop device or privileges: the root file system (the last
 * partition) is copied out into a file of its own, checked ({@code e2fsck -f -y}), shrunk to resize2fs's minimum
 * plus a margin, checked again with its free blocks discarded (holes in the file), and put back behind the other
 * partitions in the output; the partition's end moves (sfdisk) and the file ends after it at a 4 MiB boundary.
 * resize2fs is never pointed at the card file itself: on a regular file it truncates the file to the file system's
 * new size, which ignores any offset.
 */
final class ImagePreparer {

    /** Partition ends (and so the file's end) on 4 MiB, the alignment Raspberry Pi OS and card erase blocks use. */
    static final long ALIGN = 4L << 20;

    enum Compression {
        ZSTD(".zst"), XZ(".xz"), NONE("");

        final String suffix;

        Compression(String suffix) {
            this.suffix = suffix;
        }
    }

    record Options(Path input, Path output, boolean inPlace, Compression compression, long marginBytes) {
    }

    record Result(Path image, Path bmap, Path compressed, long inputBytes, long imageBytes, long rootBefore,
                  long rootAfter, long mappedBytes, FirstBoot.Outcome firstBoot, List<String> warnings) {
    }

    private final Options o;
    private final PrintStream out;

    ImagePreparer(Options o, PrintStream out) {
        this.o = o;
        this.out = out;
    }

    /** The output the options name: the input with --in-place, else --output, else NAME-prepared.img beside it. */
    static Path outputFor(Path input, Path output, boolean inPlace) {
        if (inPlace) {
            return input;
        }
        if (output != null) {
            return output;
        }
        String name = input.getFileName().toString();
        String base = name.toLowerCase(Locale.ROOT).endsWith(".img") ? name.substring(0, name.length() - 4) : name;
        return input.resolveSibling(base + "-prepared.img");
    }

    Result prepare() throws IOException {
        Path input = o.input();
        Path image = outputFor(input, o.output(), o.inPlace());
        Path bmap = image.resolveSibling(image.getFileName() + ".bmap");
        Path compressed = o.compression() == Compression.NONE ? null
                : image.resolveSibling(image.getFileName() + o.compression().suffix);
        checkTools();
        DiskLayout layout = inspect(input);
        DiskLayout.Partition root = layout.last();
        long sector = layout.sectorSize();
        long rootStart = root.startByte(sector);
        long inputBytes = Files.size(input);
        Path rootFs = workFile(image);
        // NOFOLLOW_LINKS: a dangling symbolic link counts as there (it would be written through otherwise)
        for (Path p : outputs(image, bmap, compressed)) {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !(o.inPlace() && p.equals(input))) {
                throw new IllegalArgumentException(p + " exists: remove it or name another --output");
            }
        }
        if (!o.inPlace() && input.toAbsolutePath().normalize().equals(image.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("--output names the input; use --in-place to change it");
        }
        if (Files.exists(rootFs, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException(workFileExists(rootFs));
        }
        out.printf("%s: %s, %d partitions; root file system: partition %d at %d, %s%n", input, mib(inputBytes),
                layout.partitions().size(), root.number(), rootStart, mib(root.size() * sector));
        out.println(o.inPlace() ? "working in place (--in-place): " + input + " is changed"
                : "working on a copy: " + image + " (" + input + " is not changed)");

        List<String> warnings = new ArrayList<>();
        Work work = new Work(input, rootFs);
        Thread hook = new Thread(work::interrupted, "rpideploy-image-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("work file: " + rootFs + " (the root file system, up to " + mib(root.size() * sector)
                + "; removed at the end, also on Ctrl-C)");
        try {
            // 1. the root file system alone, sparse; a new file, never an existing one or a link's target (this
            // may run as root in a folder others can write to)
            try (FileChannel in = FileChannel.open(input, StandardOpenOption.READ);
                 FileChannel fs = createNew(rootFs, work)) {
                extend(fs, root.size() * sector);
                SparseCopy.copy(in, rootStart, root.size() * sector, fs, 0, true);
            }
            // 2. checked and repaired (resize2fs refuses an unchecked file system)
            fsck(rootFs, false);
            Ext4.Summary before = Ext4.read(rootFs);
            long minimum = Ext4.minimumBlocks(rootFs);
            long target = minimum + (o.marginBytes() + before.blockSize() - 1) / before.blockSize();
            if (target < before.blockCount()) {
                out.printf("shrinking the root file system from %s to %s (minimum %s + margin %s)%n",
                        mib(before.bytes()), mib(target * before.blockSize()), mib(minimum * before.blockSize()),
                        mib(o.marginBytes()));
                Tool.run(Tool.LONG_SECONDS, "resize2fs", rootFs.toString(), String.valueOf(target)).orFail();
            } else {
                out.println("the root file system is already at its minimum plus the margin: not shrunk");
            }
            // 3. checked again; free blocks discarded: holes in the file, unmapped in the bmap
            fsck(rootFs, true);
            Ext4.Summary after = Ext4.read(rootFs);
            boolean hasFirstboot = FirstBoot.scriptIn(rootFs);

            long newEnd = Math.min(root.endByte(sector), roundUp(rootStart + after.bytes(), ALIGN));
            long newSectors = (newEnd - rootStart) / sector;
            newEnd = rootStart + newSectors * sector;

            // 4. the image: the partitions before the root as they were, the shrunk root behind them
            if (o.inPlace()) {
                work.inputTouched = true;
                try (FileChannel fs = FileChannel.open(rootFs, StandardOpenOption.READ);
                     FileChannel onto = FileChannel.open(input, StandardOpenOption.WRITE)) {
                    SparseCopy.copy(fs, 0, after.bytes(), onto, rootStart, false);
                    onto.truncate(newEnd);
                    // the alignment padding after the file system held old data: zeros, as in a copy (unmapped)
                    long fsEnd = rootStart + after.bytes();
                    java.nio.ByteBuffer zeros = java.nio.ByteBuffer.allocate((int) (newEnd - fsEnd));
                    while (zeros.hasRemaining()) {
                        onto.write(zeros, fsEnd + zeros.position());
                    }
                    onto.force(true);
                }
            } else {
                try (FileChannel in = FileChannel.open(input, StandardOpenOption.READ);
                     FileChannel fs = FileChannel.open(rootFs, StandardOpenOption.READ);
                     FileChannel made = createNew(image, work)) {
                    extend(made, newEnd);
                    SparseCopy.copy(in, 0, rootStart, made, 0, true);
                    SparseCopy.copy(fs, 0, after.bytes(), made, rootStart, true);
                    made.force(true);
                }
            }
            work.removeWorkFile();
            // 5. the partition ends where the file system does (start, type and the others unchanged)
            Tool.withInput(120, root.start() + "," + newSectors + "\n", "sfdisk", "-q", "--no-reread",
                    "--no-tell-kernel", "-N", String.valueOf(root.number()), image.toString()).orFail();
            DiskLayout check = DiskLayout.read(image);
            if (check.last().size() != newSectors || check.end() > Files.size(image)) {
                throw new IOException("sfdisk did not set partition " + root.number() + " to " + newSectors
                        + " sectors (" + check + ")");
            }
            // 6. expansion at first boot
            FirstBoot.Outcome firstBoot = null;
            if (layout.boot().isEmpty()) {
                warnings.add("no FAT boot partition: cmdline.txt not checked; the card will not expand at first boot");
            } else if (!hasFirstboot) {
                warnings.add("the root file system has no " + FirstBoot.SCRIPT + " (not Raspberry Pi OS Bookworm?):"
                        + " cmdline.txt left as it is; the root partition will not grow at first boot");
            } else {
                firstBoot = FirstBoot.apply(image, layout.boot().get().startByte(sector));
                switch (firstBoot) {
                    case ADDED -> out.println("cmdline.txt: " + FirstBoot.INIT + " added (expands at first boot)");
                    case ALREADY_THERE -> out.println("cmdline.txt: already expands at first boot");
                    case OTHER_INIT -> warnings.add("cmdline.txt has another init= and was left as it is: check that"
                            + " it expands the root file system");
                }
            }
            // 7. block map: all but the root's free blocks and the padding after its end
            BitSet unmapped = new BitSet();
            for (Ext4.FreeRange r : after.free()) {
                unmap(unmapped, rootStart + r.first() * after.blockSize(),
                        rootStart + (r.last() + 1) * after.blockSize());
            }
            unmap(unmapped, rootStart + after.bytes(), newEnd);
            createNew(bmap, work).close();
            Bmap.Written map = Bmap.write(image, unmapped, bmap);
            out.printf("block map: %s (%s mapped of %s)%n", bmap, mib(map.mapped() * Bmap.BLOCK), mib(newEnd));
            work.imageReady = true;
            // 8. compressed, through stdout into a file made here (the tools would follow a link at the name)
            if (compressed != null) {
                out.println("compressing to " + compressed + " ...");
                List<String> command = o.compression() == Compression.ZSTD
                        ? List.of("zstd", "-q", "-c", "-T0", "-9", image.toString())
                        : List.of("xz", "-q", "-c", "-T0", "-6", image.toString());
                try (FileChannel archive = createNew(compressed, work);
                     OutputStream to = new BufferedOutputStream(Channels.newOutputStream(archive), 1 << 20)) {
                    Tool.into(Tool.LONG_SECONDS, to, command.toArray(String[]::new)).orFail();
                    to.flush();
                    archive.force(true);
                }
            }
            work.done = true;
            return new Result(image, bmap, compressed, inputBytes, newEnd, before.bytes(), after.bytes(),
                    map.mapped() * Bmap.BLOCK, firstBoot, List.copyOf(warnings));
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: it cleans up as below
            }
            if (!work.done) {
                work.removePartial();
                out.println(work.state());
            } else {
                work.removeWorkFile();
            }
        }
    }

    /** The hidden work file beside the output: the root file system alone, as large as its data. */
    static Path workFile(Path image) {
        return image.resolveSibling("." + image.getFileName() + ".root.tmp");
    }

    private static String workFileExists(Path rootFs) {
        return rootFs + " exists: the work file of a run that was killed (remove it if no image prepare is running"
                + " on this folder), or not ours (nothing is written through it)";
    }

    /**
     * A new file, refused when anything (a file, a symbolic link) is at the name already: this may run as root in
     * a folder others can write to. Only files made here are ever removed again.
     */
    private static FileChannel createNew(Path file, Work work) throws IOException {
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            work.made.add(file);
            return channel;
        } catch (FileAlreadyExistsException e) {
            throw new IOException(file.equals(work.rootFs) ? workFileExists(file)
                    : file + " appeared while the image was prepared (someone else's file or link): not written");
        }
    }

    /** Sets the length of a new file without writing its bytes (a hole, read as zeros). */
    private static void extend(FileChannel file, long length) throws IOException {
        if (length > 0) {
            file.write(ByteBuffer.allocate(1), length - 1);
        }
    }

    /**
     * The files of one run and how far it got, for the cleanup after a failure and for the shutdown hook (Ctrl-C,
     * SIGTERM), which runs while the main thread may still be working: the flags are volatile.
     */
    private final class Work {
        final Path input;
        final Path rootFs;
        /** The files this run created (never the input): all that a failure removes. */
        final Set<Path> made = ConcurrentHashMap.newKeySet();
        volatile boolean inputTouched;
        volatile boolean imageReady;
        volatile boolean done;

        Work(Path input, Path rootFs) {
            this.input = input;
            this.rootFs = rootFs;
        }

        /** The shutdown hook: the tools stopped first (they write into these files), then the files removed. */
        void interrupted() {
            if (done) {
                return;
            }
            Tool.stopRunning();
            try {
                removePartial();
                out.println("interrupted: " + state());
            } catch (IOException e) {
                out.println("interrupted: could not remove " + e.getMessage() + "; remove " + made + " by hand");
            }
            out.flush();
        }

        void removeWorkFile() throws IOException {
            if (made.contains(rootFs)) {
                Files.deleteIfExists(rootFs);
                made.remove(rootFs);
            }
        }

        void removePartial() throws IOException {
            for (Path p : made) {
                Files.deleteIfExists(p);
                made.remove(p);
            }
        }

        String state() {
            if (!o.inPlace()) {
                return input + " was not changed; nothing was left behind";
            }
            if (imageReady) {
                return input + " was prepared in place, but its block map or archive was not made (removed):"
                        + " run the same command again to make them";
            }
            return inputTouched ? "the input was being changed in place and is incomplete: use the card again"
                    : input + " was not changed; nothing was left behind";
        }
    }

    /** The checks before anything is written: a file, not in use, a partition table, an ext4 last partition. */
    static DiskLayout inspect(Path input) throws IOException {
        if (!Files.exists(input)) {
            throw new IllegalArgumentException(input + " does not exist");
        }
        if (!Files.isRegularFile(input)) {
            throw new IllegalArgumentException(input + " is not a regular file: read the card into a file first"
                    + " (dd if=/dev/sdX of=card.img bs=4M conv=fsync status=progress)");
        }
        if (Files.size(input) < 1 << 20) {
            throw new IllegalArgumentException(input + " is not a disk image: " + Files.size(input) + " bytes");
        }
        if (Tool.installed("losetup")) {
            Tool loops = Tool.run(30, "losetup", "--associated", input.toString());
            if (loops.exit() == 0 && !loops.stdout().isBlank()) {
                throw new IllegalArgumentException(input + " is in use by a loop device (" + loops.stdout().strip()
                        .lines().findFirst().orElse("") + "): unmount it and detach it (losetup -d) first");
            }
        }
        DiskLayout layout = DiskLayout.read(input);
        DiskLayout.Partition root = layout.last();
        long sector = layout.sectorSize();
        if (root.endByte(sector) > Files.size(input)) {
            throw new IllegalArgumentException(input + " is cut short: partition " + root.number() + " ends at byte "
                    + root.endByte(sector) + " but the file has " + Files.size(input) + " (was the dd complete?)");
        }
        if (!Ext4.at(input, root.startByte(sector))) {
            throw new IllegalArgumentException(input + ": the last partition (" + root.number() + ", type "
                    + root.type() + ") holds no ext4 file system; a Raspberry Pi OS card ends with its ext4 root");
        }
        return layout;
    }

    private void fsck(Path fs, boolean discard) throws IOException {
        Tool t = discard ? Tool.run(Tool.LONG_SECONDS, "e2fsck", "-f", "-y", "-E", "discard", fs.toString())
                : Tool.run(Tool.LONG_SECONDS, "e2fsck", "-f", "-y", fs.toString());
        // 0 clean, 1 errors corrected (e2fsck(8)); anything else: errors left or e2fsck itself failed
        if (t.exit() > 1) {
            throw new IOException("the root file system has errors e2fsck could not repair (exit " + t.exit()
                    + "): " + t.lastLines());
        }
        if (t.exit() == 1) {
            out.println("e2fsck repaired the root file system: " + t.stdout().lines().filter(l -> !l.startsWith("Pass"))
                    .limit(3).reduce((a, b) -> a + " / " + b).orElse(""));
        }
    }

    private void checkTools() {
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("sfdisk:fdisk", "e2fsck:e2fsprogs", "resize2fs:e2fsprogs", "dumpe2fs:e2fsprogs",
                "debugfs:e2fsprogs", "mtype:mtools", "mcopy:mtools")) {
            if (!Tool.installed(tool.substring(0, tool.indexOf(':')))) {
                missing.add(tool.replace(":", " (package ") + ")");
            }
        }
        if (o.compression() == Compression.ZSTD && !Tool.installed("zstd")) {
            missing.add("zstd (package zstd)");
        }
        if (o.compression() == Compression.XZ && !Tool.installed("xz")) {
            missing.add("xz (package xz-utils)");
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("missing tools: " + String.join(", ", missing));
        }
    }

    private static List<Path> outputs(Path image, Path bmap, Path compressed) {
        List<Path> all = new ArrayList<>(List.of(image, bmap));
        if (compressed != null) {
            all.add(compressed);
        }
        return all;
    }

    /** Marks the bmap blocks lying wholly inside bytes [from, to). */
    private static void unmap(BitSet unmapped, long from, long to) {
        long first = (from + Bmap.BLOCK - 1) / Bmap.BLOCK;
        long end = to / Bmap.BLOCK;
        if (end > first) {
            unmapped.set((int) first, (int) end);
        }
    }

    static long roundUp(long value, long unit) {
        return (value + unit - 1) / unit * unit;
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
