package io.rpideploy.bootenv.control;

import io.rpideploy.audit.control.AuditLog;
import io.rpideploy.hostnames.entity.Product;
import io.rpideploy.images.control.ImageActivated;
import io.rpideploy.images.control.ImageRegistry;
import io.rpideploy.images.control.ImageStore;
import io.rpideploy.images.entity.MasterImage;
import io.rpideploy.netboot.api.DataFolders;
import io.rpideploy.platform.control.DomainException;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The boot environments the server builds and keeps: one tree per product under {@code boot-env/<PRODUCT>/}, made
 * from that product's active master image (its Pi 5 kernel, device trees and overlays, and the kernel modules of its
 * root file system) plus the installer environment (a small initramfs whose {@code /init} fetches a Java runtime and
 * {@code installer.jar} over HTTP, built from Debian's arm64 packages at build time; see the README). Built when an
 * image is activated, at start when a tree is missing or stale, and on request. Nothing here is prepared by hand;
 * an operator's own file in the boot tree still wins over every file here (the TFTP engine and the HTTP servlet
 * look there first).
 */
@ApplicationScoped
public class BootEnvironments {

    private static final Logger LOG = Logger.getLogger(BootEnvironments.class.getName());
    /** The installer environment's files, in its folder and over HTTP as {@code /boot/installer-env/<name>}. */
    public static final String INSTALLER_DIR = "installer-env";
    public static final String RUNTIME = "runtime-arm64.tar.gz";
    public static final String INSTALLER_JAR = "installer.jar";
    public static final String BASE_INITRAMFS = "initramfs-installer.cpio.gz";
    /** In a product's tree: the installer environment's initramfs with the image's kernel modules appended. */
    public static final String INITRAMFS = "initramfs-installer.cpio.gz";
    static final String MANIFEST = "boot-environment.properties";
    static final String PROPERTIES = "installer-env.properties";
    static final List<String> KERNELS = List.of("kernel_2712.img", "kernel8.img");

    @Inject
    @ConfigProperty(name = "rpideploy.home", defaultValue = "./data")
    String home;

    @Inject
    @ConfigProperty(name = "rpideploy.boot-env.dir")
    Optional<String> dirSetting;

    @Inject
    @ConfigProperty(name = "rpideploy.boot-env.installer-dir")
    Optional<String> installerSetting;

    /** Where the distribution keeps {@code installer.jar} and the build step ({@code build/build-installer-env.sh}). */
    @Inject
    @ConfigProperty(name = "rpideploy.boot-env.installer-source")
    Optional<String> installerSource;

    /** {@code auto}: build the installer environment at start when it is missing; {@code never}. */
    @Inject
    @ConfigProperty(name = "rpideploy.boot-env.installer-build", defaultValue = "auto")
    String installerBuild;

    @Inject
    ImageRegistry registry;

    @Inject
    ImageStore store;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Resource
    ManagedExecutorService executor;

    private Path root;
    private Path installerDir;
    private final Map<Product, BootEnvironment> states = new ConcurrentHashMap<>();
    /** One build at a time: each reads a whole image, and two of the same product must not race on the rename. */
    private final ReentrantLock building = new ReentrantLock(true);
    private final Map<Path, Digest> digests = new ConcurrentHashMap<>();
    /** The installer environment's build while it runs in the background. */
    private final AtomicReference<Process> build = new AtomicReference<>();

    private record Digest(long size, long modified, String sha256) {
    }

    @PostConstruct
    void resolve() {
        // derived as the netboot adapter derives them: it serves these trees to boards
        Map<String, Optional<String>> settings = Map.of(DataFolders.HOME, Optional.of(home), DataFolders.BOOT_ENV_DIR,
                dirSetting, DataFolders.INSTALLER_DIR, installerSetting);
        DataFolders folders = DataFolders.from(name -> settings.getOrDefault(name, Optional.empty()));
        root = folders.bootEnvironments();
        installerDir = folders.installerEnvironment();
    }

    /** At deployment: the folder exists; a product whose tree is missing or older than its active image is rebuilt. */
    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the boot environment folder " + root, e);
        }
        removeLeftovers();
        warnAboutOperatorCmdline();
        for (Product product : Product.values()) {
            BootEnvironment env = read(product);
            states.put(product, env);
            Optional<MasterImage> active = registry.active(product);
            boolean otherInstaller = env.imageId() != null && !java.util.Objects.equals(env.installerBuild(),
                    manifestOf(product).getProperty("installer.build"));
            if (active.isPresent() && (!active.get().getId().equals(env.imageId()) || otherInstaller)) {
                LOG.info(() -> "boot environment of " + product + " is " + (env.imageId() == null ? "missing"
                        : otherInstaller ? "from another installer build" : "from another image")
                        + ": building it from " + active.get().getFilename());
                executor.execute(() -> rebuildQuietly(product));
            }
        }
        // the build step writes its properties last: without them the environment is not (completely) built
        boolean built = Files.isRegularFile(installerDir.resolve(PROPERTIES));
        if (built) {
            executor.execute(this::warmDigests);
        }
        LOG.info(() -> "boot environments in " + root + ", installer environment in " + installerDir
                + (built ? "" : " (not built yet)"));
        if (!built) {
            buildInstallerInBackground();
        }
    }

    /**
     * The first start of a distribution builds the installer environment from Debian's arm64 packages (a few
     * minutes, once; the README says how to refresh it), then every product's tree. Off with
     * {@code RPIDEPLOY_BOOT_ENV_INSTALLER_BUILD=never}.
     */
    private void buildInstallerInBackground() {
        Optional<Path> script = installerSource.filter(s -> !s.isBlank())
                .map(s -> Path.of(s).resolve("build").resolve("build-installer-env.sh")).filter(Files::isRegularFile);
        if (!"auto".equalsIgnoreCase(installerBuild.trim()) || script.isEmpty()) {
            LOG.warning("the installer environment is not built, so no board can boot the installer: run "
                    + "installer-env/build/build-installer-env.sh (README, \"Netboot a Pi 5\")");
            return;
        }
        Path jar = Path.of(installerSource.get()).resolve(INSTALLER_JAR);
        executor.execute(() -> {
            Path log = Path.of(home).resolve("installer-env-build.log");
            LOG.info("building the installer environment from Debian's arm64 packages (once; log: " + log + ")");
            Process p = null;
            try {
                p = new ProcessBuilder("bash", script.get().toString(), installerDir.toString(),
                        jar.toString()).redirectErrorStream(true).redirectOutput(log.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
                build.set(p);
                if (!p.waitFor(45, java.util.concurrent.TimeUnit.MINUTES)) {
                    LOG.warning("the installer environment build took longer than 45 minutes and was stopped: " + log);
                    return;
                }
                if (p.exitValue() != 0) {
                    LOG.warning("the installer environment could not be built (exit " + p.exitValue() + "): see "
                            + log);
                    return;
                }
                LOG.info("installer environment built in " + installerDir);
                warmDigests();
                for (Product product : Product.values()) {
                    if (registry.active(product).isPresent()) {
                        rebuildQuietly(product);
                    } else {
                        states.put(product, read(product));
                    }
                }
            } catch (IOException e) {
                LOG.warning("the installer environment could not be built: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                build.set(null);
                stopBuild(p);
            }
        });
    }

    /**
     * A server stopped (SIGTERM, undeploy) while the installer build runs stops the build too: the task above is not
     * interrupted at a stop, and a build left running would keep writing the data directory and race the next
     * start's build.
     */
    @PreDestroy
    void stopRunningBuild() {
        stopBuild(build.getAndSet(null));
    }

    private static void stopBuild(Process p) {
        if (p == null || !p.isAlive()) {
            return;
        }
        // SIGTERM first, children and script: the script's trap removes its work folder (hundreds of MB)
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        tree.forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                LOG.warning("the installer environment build did not stop within 10 s of SIGTERM: killed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tree.addAll(p.descendants().toList());
        tree.forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    /** An image was activated or rolled back: its product's tree follows, in the background. */
    void activated(@Observes(during = TransactionPhase.AFTER_SUCCESS) ImageActivated event) {
        // not ready until that build is done: the state read before still says "no active image" (ready) or
        // describes the previous image's tree, and /health and the doctor would call it ready meanwhile
        BootEnvironment was = get(event.product());
        states.put(event.product(), new BootEnvironment(was.product(), false, was.imageId(), was.imageFilename(),
                was.imageVersion(), was.kernel(), was.kernelRelease(), was.modules(), was.installerBuild(),
                was.builtAt(), List.of("being built from " + event.filename()), false));
        executor.execute(() -> rebuildQuietly(event.product()));
    }

    public Path root() {
        return root;
    }

    public Path installerDir() {
        return installerDir;
    }

    public List<BootEnvironment> all() {
        List<BootEnvironment> all = new ArrayList<>();
        for (Product product : Product.values()) {
            all.add(get(product));
        }
        return all;
    }

    public BootEnvironment get(Product product) {
        return states.computeIfAbsent(product, this::read);
    }

    /** A file of a product's tree by its name in the tree (no {@code ..}, confined, regular), else empty. */
    public Optional<Path> file(Product product, String name) {
        return confined(root.resolve(product.name()), name);
    }

    /** A file of the installer environment ({@code installer.jar}, {@code runtime-arm64.tar.gz}), else empty. */
    public Optional<Path> installerFile(String name) {
        return confined(installerDir, name);
    }

    /** SHA-256 of an installer environment file (cached while its size and time are unchanged), else empty. */
    public Optional<String> installerSha256(String name) {
        return installerFile(name).map(this::sha256);
    }

    /** The kernel a product's tree boots, else empty. */
    public Optional<String> kernel(Product product) {
        return Optional.ofNullable(get(product).kernel());
    }

    /** Builds the product's tree from its active image now (the operator's "rebuild"); audited by the caller. */
    public BootEnvironment rebuild(Product product) {
        building.lock();
        try {
            // read under the lock: two activations in a row must end with the later image's tree
            MasterImage image = registry.active(product).orElseThrow(() -> DomainException.conflict("product_type",
                    "No image of " + product + " is active: activate one first"));
            return build(product, image);
        } finally {
            building.unlock();
        }
    }

    /**
     * The operator's rebuild: recorded now (with the caller's name), built in the background (reading a
     * compressed image takes minutes); {@code GET /api/boot-environment} and the Network page show the result.
     *
     * @return the products whose rebuild was started
     */
    public List<Product> rebuildAll() {
        List<Product> started = new ArrayList<>();
        for (Product product : Product.values()) {
            Optional<MasterImage> active = registry.active(product);
            if (active.isPresent()) {
                audit.record("boot-environment.rebuild", product.name(), "from " + active.get().getFilename());
                executor.execute(() -> rebuildQuietly(product));
                started.add(product);
            }
        }
        return started;
    }

    private void rebuildQuietly(Product product) {
        try {
            rebuild(product);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "boot environment of " + product + " not rebuilt: " + e.getMessage(), e);
        }
    }

    /**
     * Extract into a new version folder beside the tree ({@code .<PRODUCT>-<image>-<time>}), then point the
     * product's name at it with one atomic rename of a symbolic link: a board never sees half a tree or none, and a
     * file it is being sent stays where it is (the previous version is kept until the next build).
     */
    private BootEnvironment build(Product product, MasterImage image) {
        Path version = root.resolve("." + product.name() + "-" + image.getId() + "-" + clock.millis());
        Path scratch = root.resolve(".scratch-" + product.name());
        Instant started = clock.instant();
        List<String> problems = new ArrayList<>();
        boolean switched = false;
        try {
            delete(scratch);
            Files.createDirectories(scratch);
            Path file = store.images().resolve(image.getFilename());
            ImageBootFiles.Extracted extracted = ImageBootFiles.extract(file, version, scratch);
            writeInitramfs(version, problems);
            delete(version.resolve("modules"));
            Properties manifest = new Properties();
            manifest.setProperty("image.id", image.getId().toString());
            manifest.setProperty("image.filename", image.getFilename());
            manifest.setProperty("image.version", image.getVersion());
            if (extracted.kernelRelease() != null) {
                manifest.setProperty("kernel.release", extracted.kernelRelease());
            }
            manifest.setProperty("modules", Integer.toString(extracted.modules().size()));
            manifest.setProperty("built.at", clock.instant().toString());
            installerBuild().ifPresent(b -> manifest.setProperty("installer.build", b));
            try (OutputStream out = Files.newOutputStream(version.resolve(MANIFEST))) {
                manifest.store(out, "rpi-deploy boot environment of " + product);
            }
            switchTo(product, version);
            switched = true;
        } catch (BadImageException e) {
            problems.add("image " + image.getFilename() + ": " + e.getMessage());
        } catch (IOException e) {
            problems.add("cannot build from " + image.getFilename() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            // a reader's bug must not end as a 500 or a dead rebuild: the operator sees the problem, the log the trace
            LOG.log(Level.WARNING, "boot environment of " + product + " from " + image.getFilename() + " failed", e);
            problems.add("cannot build from " + image.getFilename() + ": " + e);
        } finally {
            deleteQuietly(scratch);
            if (!switched) {
                deleteQuietly(version);
            }
        }
        BootEnvironment env = read(product);
        if (!problems.isEmpty()) {
            List<String> all = new ArrayList<>(problems);
            all.addAll(env.problems());
            env = new BootEnvironment(env.product(), false, env.imageId(), env.imageFilename(), env.imageVersion(),
                    env.kernel(), env.kernelRelease(), env.modules(), env.installerBuild(), env.builtAt(),
                    List.copyOf(all), env.awaitingImage());
        }
        states.put(product, env);
        BootEnvironment done = env;
        LOG.info(() -> "boot environment of " + product + " from " + image.getFilename() + " in "
                + java.time.Duration.between(started, clock.instant()).toMillis() + " ms: "
                + (done.complete() ? "complete, kernel " + done.kernel() + " " + done.kernelRelease() + ", "
                + done.modules() + " modules" : "NOT complete: " + String.join("; ", done.problems())));
        return env;
    }

    /** {@code <PRODUCT>} becomes a link to {@code version}; versions but this one and the one before are removed. */
    private void switchTo(Product product, Path version) throws IOException {
        Path target = root.resolve(product.name());
        Path previous = Files.isSymbolicLink(target) ? target.toRealPath() : null;
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            // a tree from before versions: out of the way first (a rename cannot replace a directory)
            Path old = root.resolve(".old-" + product.name());
            delete(old);
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Path link = root.resolve(".link-" + product.name());
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, version.getFileName());
        Files.move(link, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (DirectoryStream<Path> versions = Files.newDirectoryStream(root, "." + product.name() + "-*")) {
            for (Path v : versions) {
                if (!v.equals(version) && (previous == null || !v.toRealPath().equals(previous))) {
                    deleteQuietly(v);
                }
            }
        }
        deleteQuietly(root.resolve(".old-" + product.name()));
    }

    /**
     * An operator's own {@code cmdline.txt} in the boot tree is served as it is (it wins over the generated one): one
     * without {@code rpideploy.server=} leaves every board's installer without its server, so say so at start.
     */
    private void warnAboutOperatorCmdline() {
        Path own = store.boot().resolve("cmdline.txt");
        try {
            if (Files.isRegularFile(own) && !Files.readString(own).contains("rpideploy.server=")) {
                LOG.warning(own + " is served to every board as it is and has no rpideploy.server=: boards will not"
                        + " find this server. Remove it to have the server generate each board's line, or add the"
                        + " rpideploy.* settings (README, \"Network boot\")");
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.log(Level.FINE, "could not read " + own, e);
        }
    }

    /** What a build cut off by a crash left: scratch copies, half-extracted trees, links never renamed. */
    private void removeLeftovers() {
        try (DirectoryStream<Path> all = Files.newDirectoryStream(root, ".*")) {
            for (Path p : all) {
                String name = p.getFileName().toString();
                boolean current = false;
                for (Product product : Product.values()) {
                    Path target = root.resolve(product.name());
                    current |= Files.isSymbolicLink(target) && p.toRealPath().equals(target.toRealPath());
                }
                if (!current && (name.startsWith(".scratch-") || name.startsWith(".build-")
                        || name.startsWith(".link-") || name.contains(".part-") || name.startsWith(".old-"))) {
                    deleteQuietly(p);
                }
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "could not look for leftovers in " + root, e);
        }
    }

    /**
     * The installer environment's initramfs, then a second archive with the image's kernel modules and their load
     * order (Linux unpacks both, later files winning).
     */
    private void writeInitramfs(Path work, List<String> problems) throws IOException {
        Path base = installerDir.resolve(BASE_INITRAMFS);
        if (!Files.isRegularFile(base)) {
            problems.add("installer environment not built: " + base + " is missing (see the README)");
            return;
        }
        Path out = work.resolve(INITRAMFS);
        try (OutputStream o = Files.newOutputStream(out)) {
            Files.copy(base, o);
            Path modules = work.resolve("modules");
            if (Files.isDirectory(modules)) {
                try (GZIPOutputStream gz = new GZIPOutputStream(o, 65536)) {
                    CpioArchive cpio = new CpioArchive(gz);
                    cpio.addTree(modules);
                    cpio.finish();
                }
            }
        }
    }

    /** What a product's tree holds now, from its manifest and files. */
    BootEnvironment read(Product product) {
        Path dir = root == null ? null : root.resolve(product.name());
        List<String> problems = new ArrayList<>();
        Properties manifest = manifestOf(product);
        boolean awaitingImage = false;
        if (manifest.isEmpty()) {
            awaitingImage = !(dir != null && Files.exists(dir.resolve(MANIFEST))) && registry.active(product).isEmpty();
            problems.add(dir != null && Files.exists(dir.resolve(MANIFEST)) ? "manifest unreadable"
                    : !awaitingImage ? "not built yet" : "no active image of " + product);
        }
        String kernel = null;
        boolean dtb = false;
        boolean initramfs = false;
        if (dir != null && Files.isDirectory(dir)) {
            kernel = KERNELS.stream().filter(k -> Files.isRegularFile(dir.resolve(k))).findFirst().orElse(null);
            try (DirectoryStream<Path> dtbs = Files.newDirectoryStream(dir, "bcm2712*.dtb")) {
                dtb = dtbs.iterator().hasNext();
            } catch (IOException e) {
                dtb = false;
            }
            initramfs = Files.isRegularFile(dir.resolve(INITRAMFS));
            if (kernel == null) {
                problems.add("the image holds no Pi 5 kernel (kernel_2712.img or kernel8.img)");
            }
            if (!dtb) {
                problems.add("the image holds no Pi 5 device tree (bcm2712*.dtb)");
            }
            if (!initramfs) {
                problems.add("no installer initramfs");
            }
        }
        for (String needed : List.of(RUNTIME, INSTALLER_JAR)) {
            if (installerFile(needed).isEmpty()) {
                problems.add("installer environment lacks " + needed);
            }
        }
        Long id = null;
        Instant built = null;
        int modules = 0;
        try {
            id = manifest.getProperty("image.id") == null ? null : Long.valueOf(manifest.getProperty("image.id"));
            built = manifest.getProperty("built.at") == null ? null : Instant.parse(manifest.getProperty("built.at"));
            modules = Integer.parseInt(manifest.getProperty("modules", "0"));
        } catch (RuntimeException e) {
            problems.add("manifest unreadable: " + e.getMessage());
        }
        return new BootEnvironment(product, problems.isEmpty(), id, manifest.getProperty("image.filename"),
                manifest.getProperty("image.version"), kernel, manifest.getProperty("kernel.release"), modules,
                manifest.getProperty("installer.build"), built, List.copyOf(problems), awaitingImage && id == null);
    }

    /** A product's manifest, empty when there is none or it cannot be read. */
    private Properties manifestOf(Product product) {
        Properties manifest = new Properties();
        Path file = root == null ? null : root.resolve(product.name()).resolve(MANIFEST);
        if (file != null && Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                manifest.load(in);
            } catch (IOException | IllegalArgumentException e) {
                return new Properties();
            }
        }
        return manifest;
    }

    /** The runtime's and installer's checksums, computed once off the TFTP path (they go on every cmdline.txt). */
    private void warmDigests() {
        installerSha256(RUNTIME);
        installerSha256(INSTALLER_JAR);
    }

    /** The installer environment's build time from its properties file, else the jar's time. */
    private Optional<String> installerBuild() {
        Path props = installerDir.resolve(PROPERTIES);
        if (Files.isRegularFile(props)) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(props)) {
                p.load(in);
                String time = p.getProperty("build_time");
                if (time != null) {
                    return Optional.of(time);
                }
            } catch (IOException e) {
                // falls through to the jar's time
            }
        }
        return installerFile(INSTALLER_JAR).map(j -> {
            try {
                return Files.getLastModifiedTime(j).toInstant().toString();
            } catch (IOException e) {
                return null;
            }
        });
    }

    private static Optional<Path> confined(Path dir, String name) {
        if (name == null || name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.indexOf('\0') >= 0) {
            return Optional.empty();
        }
        for (String segment : name.split("/")) {
            if (segment.isEmpty() || segment.equals("..") || segment.equals(".") || segment.startsWith(".")) {
                return Optional.empty(); // no dot files: the build's own .build-/.old- folders are never served
            }
        }
        Path file = dir.resolve(name).normalize();
        try {
            Path real = file.toRealPath();
            if (!real.startsWith(dir.toRealPath())) {
                return Optional.empty();
            }
            BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isRegularFile() ? Optional.of(real) : Optional.empty();
        } catch (IOException missing) {
            return Optional.empty();
        }
    }

    private String sha256(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            Digest known = digests.get(file);
            if (known != null && known.size() == a.size() && known.modified() == a.lastModifiedTime().toMillis()) {
                return known.sha256();
            }
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    md.update(buffer, 0, n);
                }
            }
            String hex = HexFormat.of().formatHex(md.digest());
            digests.put(file, new Digest(a.size(), a.lastModifiedTime().toMillis(), hex));
            return hex;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            delete(dir);
        } catch (IOException e) {
            LOG.log(Level.FINE, "could not remove " + dir, e);
        }
    }
}
