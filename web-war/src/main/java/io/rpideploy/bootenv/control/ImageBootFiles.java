package io.rpideploy.bootenv.control;

import io.rpideploy.bootenv.control.PartitionTable.Kind;
import io.rpideploy.bootenv.control.PartitionTable.Partition;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Extracts what a Pi 5 needs to network-boot an installer from a master image: the kernel, the bcm2712 device trees
 * and overlays from the FAT boot partition, and the kernel modules for that kernel from the ext4 root partition. The
 * image (raw, .xz, .gz or .zst, by name) is read as a stream, once for the boot partition and a few more times for the
 * root file system; nothing but the blocks needed is written to scratch, and no decompressed copy of the image exists.
 */
public final class ImageBootFiles {

    private static final Logger LOG = Logger.getLogger(ImageBootFiles.class.getName());

    /**
     * Passes over the image at most: the first, then one per level of the root file system still unknown. A stream
     * that must be decoded whole each time guesses all directories in pass 1 and needs few; one that seeks fetches
     * the levels on demand, at little cost per pass.
     */
    static final int MAX_PASSES = 8;
    static final int MAX_SEEKING_PASSES = 40;
    /** A boot partition larger than this is not a Pi boot partition (Raspberry Pi OS uses 512 MiB). */
    static final long MAX_BOOT_PARTITION = 4L << 30;
    private static final int CHUNK = 1 << 20;
    /** A skip this long is worth asking the module tree first whether it now wants something inside it. */
    private static final long GAP = 1 << 20;
    private static final long RESOLVE_BUDGET_NANOS = 50_000_000;
    private static final int MAX_TREE_DEPTH = 16;

    /**
     * What was written. {@code files}: paths under the target folder, boot files and {@code image/} (the image's own
     * config.txt, cmdline.txt, initramfs); {@code modules}: paths under {@code modules/}; {@code kernelRelease}
     * null when the kernel has no readable banner; {@code warnings}: why modules are missing, and similar.
     */
    public record Extracted(String kernelRelease, List<String> files, List<String> modules, List<String> warnings,
                            List<Pass> passes) {
    }

    /** One read of the image: decompressed bytes passed, time taken, blocks kept in scratch by it. */
    public record Pass(int number, long bytes, long millis, long keptBytes) {
    }

    private ImageBootFiles() {
    }

    /**
     * Extracts into {@code targetDir}, which must not exist or be empty; it appears complete or not at all (the work is
     * done in a folder beside it, renamed at the end). {@code scratchDir} holds sparse scratch files while this runs.
     */
    public static Extracted extract(Path image, Path targetDir, Path scratchDir) throws IOException, BadImageException {
        return extract(image, targetDir, scratchDir, scratch -> { });
    }

    /** As {@link #extract(Path, Path, Path)}; {@code inspect} sees the scratch files before their deletion (tests). */
    static Extracted extract(Path image, Path targetDir, Path scratchDir, Consumer<List<Path>> inspect)
            throws IOException, BadImageException {
        Path target = targetDir.toAbsolutePath().normalize();
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !emptyDirectory(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "the target folder exists and is not empty");
        }
        Files.createDirectories(target.getParent());
        Files.createDirectories(scratchDir);
        Path work = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".part-");
        boolean done = false;
        try {
            Extracted result = new ImageBootFiles.Run(image, work, scratchDir).run(inspect);
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(target); // empty, checked above
            }
            Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
            done = true;
            return result;
        } finally {
            if (!done) {
                deleteTree(work);
            }
        }
    }

    /** One extraction's state. */
    private static final class Run {
        private final Path image;
        private final Path work;
        private final Path scratchDir;
        private final List<String> files = new ArrayList<>();
        private final List<String> modules = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        private final List<Pass> passes = new ArrayList<>();
        private Partition boot;
        private Partition root;
        private SparseFile fat;
        private Ext4Volume ext4;
        private boolean bootDone;
        private String release;
        private ModuleTree.Plan plan;
        private long checkedAt = -1;
        private long resolveNanos;
        private int maxPasses = MAX_PASSES;

        Run(Path image, Path work, Path scratchDir) {
            this.image = image;
            this.work = work;
            this.scratchDir = scratchDir;
        }

        Extracted run(Consumer<List<Path>> inspect) throws IOException, BadImageException {
            String tag = UUID.randomUUID().toString();
            SparseFile rootScratch = null;
            try {
                try (ImagePass first = ImagePass.open(image)) {
                    long started = System.nanoTime();
                    byte[] head = new byte[PartitionTable.HEAD];
                    int n = first.read(head, 0, head.length);
                    List<Partition> parts = PartitionTable.read(head, n);
                    boot = parts.stream().filter(p -> p.kind() == Kind.FAT).findFirst().orElseThrow(
                            () -> new BadImageException("The image has no FAT boot partition (partition types: "
                                    + parts.stream().map(p -> p.number() + "=" + p.kind()).toList() + ")"));
                    if (boot.length() > MAX_BOOT_PARTITION) {
                        throw new BadImageException("The FAT partition " + boot.number() + " is " + boot.length()
                                + " bytes, too large for a Pi boot partition");
                    }
                    root = parts.stream().filter(p -> p.kind() == Kind.LINUX).findFirst().orElse(null);
                    fat = new SparseFile(scratchDir.resolve("bootenv-" + tag + ".fat"), boot.length());
                    if (root != null) {
                        rootScratch = new SparseFile(scratchDir.resolve("bootenv-" + tag + ".ext4"), root.length());
                        ext4 = new Ext4Volume(rootScratch, root.length(), !first.seekable());
                        maxPasses = first.seekable() ? MAX_SEEKING_PASSES : MAX_PASSES;
                    } else {
                        warnings.add("The image has no Linux root partition: no kernel modules extracted");
                    }
                    pass(first, true);
                    passes.add(new Pass(1, first.position(), (System.nanoTime() - started) / 1_000_000,
                            fat.written() + (ext4 == null ? 0 : ext4.scratchBytes())));
                }
                if (ext4 != null && release != null) {
                    modules();
                }
                List<Path> scratch = new ArrayList<>(List.of(fat.path()));
                if (rootScratch != null) {
                    scratch.add(rootScratch.path());
                }
                inspect.accept(scratch);
                LOG.info(() -> "Boot environment from " + image.getFileName() + ": kernel " + release + ", "
                        + files.size() + " boot files, " + modules.size() + " module files, passes " + passes);
                return new Extracted(release, List.copyOf(files), List.copyOf(modules), List.copyOf(warnings),
                        List.copyOf(passes));
            } finally {
                try {
                    if (fat != null) {
                        fat.close();
                    }
                } finally {
                    if (rootScratch != null) {
                        rootScratch.close();
                    }
                }
            }
        }

        /**
         * One read of the image: the boot partition (first pass only; its files are extracted as soon as it is
         * complete, which tells the kernel release), and the root blocks the volume wants. Before skipping a gap the
         * module tree is asked again, so that what it needs next is taken in this pass when it lies ahead.
         */
        private void pass(ImagePass in, boolean first) throws IOException, BadImageException {
            byte[] chunk = new byte[CHUNK];
            long fatPos = first ? boot.offset() : Long.MAX_VALUE;
            long fatEnd = first ? boot.end() : Long.MAX_VALUE;
            byte[] block = new byte[65536];
            long started = System.nanoTime();
            while (true) {
                if (first && fatPos >= fatEnd && !bootDone) {
                    bootDone = true;
                    release = bootFiles(FatVolume.open(fat, boot.length()));
                }
                long nextFat = fatPos < fatEnd ? fatPos : Long.MAX_VALUE;
                long wanted = ext4 == null ? -1 : ext4.nextWanted();
                long nextRoot = wanted < 0 ? Long.MAX_VALUE : root.offset() + wanted * ext4.blockSize();
                if (nextRoot - in.position() > GAP && resolve(started)) {
                    continue; // the tree may want blocks before nextRoot now
                }
                if (nextFat == Long.MAX_VALUE && nextRoot == Long.MAX_VALUE) {
                    break;
                }
                if (nextFat <= nextRoot) {
                    int len = (int) Math.min(CHUNK, fatEnd - fatPos);
                    int n = in.skipTo(fatPos) ? in.read(chunk, 0, len) : 0;
                    fat.write(fatPos - boot.offset(), chunk, 0, n);
                    fatPos += n;
                    if (n < len) {
                        throw new BadImageException("The image ends inside its boot partition ("
                                + (fatPos - boot.offset()) + " of " + boot.length() + " bytes): it is truncated");
                    }
                } else {
                    int size = ext4.blockSize();
                    if ((wanted + 1) * size > root.length()) {
                        throw new BadImageException("The root file system is larger than its partition");
                    }
                    if (!in.skipTo(nextRoot) || in.read(block, 0, size) < size) {
                        ext4.endPass(true);
                        throw new BadImageException("The image ends inside its root partition: it is truncated");
                    }
                    ext4.arrive(wanted, block);
                }
            }
            if (ext4 != null) {
                ext4.endPass(in.ended());
            }
        }

        /**
         * Asks the module tree again if blocks arrived since the last time and asking has cost under 50 ms plus a tenth
         * of the pass so far (a fast pass still gets a few asks); true if it was asked.
         */
        private boolean resolve(long passStarted) throws IOException, BadImageException {
            if (ext4 == null || release == null || plan != null || ext4.keptBlocks() == checkedAt
                    || resolveNanos > RESOLVE_BUDGET_NANOS + (System.nanoTime() - passStarted) / 10) {
                return false;
            }
            checkedAt = ext4.keptBlocks();
            long t = System.nanoTime();
            try {
                plan = ModuleTree.resolve(ext4, release);
            } catch (Ext4Volume.NotYet more) {
                // asked for; taken in this pass if ahead, else in the next
            } finally {
                resolveNanos += System.nanoTime() - t;
            }
            return true;
        }

        /** Boot partition files into the work folder; returns the kernel release (null if none is found). */
        private String bootFiles(FatVolume fat) throws IOException, BadImageException {
            boolean dtb = false;
            Path kernel2712 = null;
            Path kernel8 = null;
            for (FatVolume.Entry e : fat.root()) {
                String lower = e.name().toLowerCase(Locale.ROOT);
                if (e.directory()) {
                    if (lower.equals("overlays")) {
                        tree(fat, e, e.name(), new HashSet<>(), 0);
                    }
                    continue;
                }
                if (lower.equals("kernel_2712.img") || lower.equals("kernel8.img")
                        || lower.startsWith("bcm2712") && lower.endsWith(".dtb")) {
                    Path p = write(fat, e, e.name());
                    dtb |= lower.endsWith(".dtb");
                    if (lower.equals("kernel_2712.img")) {
                        kernel2712 = p;
                    } else if (lower.equals("kernel8.img")) {
                        kernel8 = p;
                    }
                } else if (lower.equals("config.txt") || lower.equals("cmdline.txt")
                        || lower.equals("initramfs_2712") || lower.equals("initramfs8")) {
                    write(fat, e, "image/" + e.name());
                }
            }
            if (kernel2712 == null && kernel8 == null) {
                throw new BadImageException(
                        "Not a Pi 5 image: the boot partition has no kernel_2712.img or kernel8.img");
            }
            if (!dtb) {
                throw new BadImageException("Not a Pi 5 image: the boot partition has no bcm2712*.dtb device tree");
            }
            Path kernel = kernel2712 != null ? kernel2712 : kernel8;
            byte[] head = new byte[64];
            try (InputStream in = Files.newInputStream(kernel)) {
                int n = in.readNBytes(head, 0, head.length);
                boolean gzip = n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
                if (!gzip && !KernelImage.rawArm64(head)) {
                    warnings.add(kernel.getFileName() + " is neither a raw arm64 Image nor gzip-compressed");
                }
            }
            String release = KernelImage.release(kernel);
            if (release == null) {
                warnings.add("No \"Linux version\" banner in " + kernel.getFileName()
                        + ": no kernel modules extracted");
            }
            return release;
        }

        /** A FAT folder, recursively; a folder met twice (a cycle in a damaged FAT) is refused. */
        private void tree(FatVolume fat, FatVolume.Entry dir, String path, Set<Long> seen, int depth)
                throws IOException, BadImageException {
            if (depth > MAX_TREE_DEPTH || !seen.add(dir.firstCluster())) {
                throw new BadImageException("The boot partition's folder " + path + " loops back on itself");
            }
            Files.createDirectories(work.resolve(path));
            for (FatVolume.Entry e : fat.list(dir)) {
                if (!safe(e.name())) {
                    warnings.add("Skipped boot partition entry with an unusable name in " + path);
                } else if (e.directory()) {
                    tree(fat, e, path + "/" + e.name(), seen, depth + 1);
                } else {
                    write(fat, e, path + "/" + e.name());
                }
            }
        }

        private Path write(FatVolume fat, FatVolume.Entry e, String path) throws IOException, BadImageException {
            Path p = work.resolve(path);
            Files.createDirectories(p.getParent());
            try (OutputStream out = Files.newOutputStream(p, StandardOpenOption.CREATE_NEW)) {
                fat.copy(e, out);
            } catch (FileAlreadyExistsException twice) {
                throw new BadImageException("The boot partition holds " + path + " twice");
            }
            files.add(path);
            return p;
        }

        /** Further passes until the module tree is known; then its files are written. */
        private void modules() throws IOException, BadImageException {
            for (int number = 2; plan == null; number++) {
                try {
                    plan = ModuleTree.resolve(ext4, release);
                } catch (Ext4Volume.NotYet more) {
                    if (number > maxPasses) {
                        throw new BadImageException("The root file system's module tree needs more than "
                                + maxPasses + " passes over the image; its layout is too scattered");
                    }
                    if (!ext4.startPass()) {
                        throw new IllegalStateException("blocks are missing but none are wanted");
                    }
                    long started = System.nanoTime();
                    long before = ext4.scratchBytes();
                    resolveNanos = 0;
                    try (ImagePass in = ImagePass.open(image)) {
                        pass(in, false);
                        passes.add(new Pass(number, in.position(), (System.nanoTime() - started) / 1_000_000,
                                ext4.scratchBytes() - before));
                    }
                }
            }
            if (!plan.releaseFound()) {
                warnings.add("The root file system has no /lib/modules/" + release + " (it has " + plan.releases()
                        + "): no kernel modules extracted");
                return;
            }
            warnings.addAll(plan.warnings());
            String base = "lib/modules/" + release + "/";
            for (ModuleTree.Item item : plan.files()) {
                if (!safePath(item.path())) {
                    throw new BadImageException("The root file system names a module outside its folder: "
                            + item.path());
                }
                Path p = work.resolve("modules/" + base + item.path());
                Files.createDirectories(p.getParent());
                try (OutputStream out = Files.newOutputStream(p, StandardOpenOption.CREATE_NEW)) {
                    ext4.copy(item.inode(), item.path(), out);
                } catch (Ext4Volume.NotYet e) {
                    throw new IllegalStateException("a planned file lost its blocks", e);
                }
                modules.add(base + item.path());
            }
            Path order = work.resolve("modules/etc/rpideploy/modules.order");
            Files.createDirectories(order.getParent());
            Files.write(order, (String.join("\n", plan.loadOrder()) + (plan.loadOrder().isEmpty() ? "" : "\n"))
                    .getBytes(StandardCharsets.UTF_8));
            modules.add("etc/rpideploy/modules.order");
        }
    }

    private static boolean safe(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.chars().noneMatch(
                c -> c == '/' || c == '\\' || c < 0x20);
    }

    private static boolean safePath(String path) {
        if (path.startsWith("/")) {
            return false;
        }
        for (String part : path.split("/")) {
            if (!safe(part)) {
                return false;
            }
        }
        return true;
    }

    private static boolean emptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            return !s.iterator().hasNext();
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
