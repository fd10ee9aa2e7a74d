package io.rpideploy.images.control;

import io.rpideploy.platform.control.DomainException;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The folders of images and boot files. Uploads stream into {@code <images>/.incoming} and are renamed into the
 * store only when complete (same file system, so the rename is atomic and nothing half-written is ever served);
 * files copied by hand (scp) into {@code <images>/import} are renamed into the store when registered.
 */
@ApplicationScoped
public class ImageStore {

    private static final Logger LOG = Logger.getLogger(ImageStore.class.getName());
    static final String INCOMING = ".incoming";
    static final String IMPORT = "import";
    /** Raw copies of compressed images, for clients that cannot decompress; hidden, so never served by name. */
    static final String RAW = ".raw";
    static final String TEMP_PREFIX = "upload-";
    /** An image's block map is stored (and served) under the image's name with this suffix. */
    public static final String BMAP_SUFFIX = ".bmap";

    @Inject
    @ConfigProperty(name = "rpideploy.home", defaultValue = "./data")
    String home;

    @Inject
    @ConfigProperty(name = "rpideploy.images.dir")
    Optional<String> imagesSetting;

    @Inject
    @ConfigProperty(name = "rpideploy.boot.dir")
    Optional<String> bootSetting;

    @Inject
    Instance<BootFileFallback> fallback;

    private Path images;
    private Path incoming;
    private Path importDir;
    private Path raw;
    private Path boot;

    @PostConstruct
    void resolve() {
        Path base = Path.of(home);
        images = imagesSetting.filter(s -> !s.isBlank()).map(Path::of).orElse(base.resolve("images"))
                .toAbsolutePath().normalize();
        boot = bootSetting.filter(s -> !s.isBlank()).map(Path::of).orElse(base.resolve("boot"))
                .toAbsolutePath().normalize();
        incoming = images.resolve(INCOMING);
        importDir = images.resolve(IMPORT);
        raw = images.resolve(RAW);
    }

    /** At deployment: the folders exist, and temporary files of uploads cut off by a crash are gone. */
    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        try {
            for (Path dir : new Path[] {images, incoming, importDir, raw, boot}) {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the image folders under " + images, e);
        }
        int removed = 0;
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(incoming, TEMP_PREFIX + "*")) {
            for (Path file : stale) {
                Files.deleteIfExists(file);
                removed++;
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not clear " + incoming, e);
        }
        int count = removed;
        LOG.info(() -> "images in " + images + " (import folder " + importDir + "), boot files in " + boot
                + (count > 0 ? "; removed " + count + " unfinished uploads" : ""));
    }

    public Path images() {
        return images;
    }

    public Path boot() {
        return boot;
    }

    public Path importDir() {
        return importDir;
    }

    public Path incoming() {
        return incoming;
    }

    /** Where the raw copy of the compressed image stored as {@code filename} lives (it may not exist). */
    public Path rawCopy(String filename) {
        return raw.resolve(filename);
    }

    /** A new, empty temporary file for one upload. */
    public Path newUpload() throws IOException {
        return Files.createTempFile(incoming, TEMP_PREFIX, ".part");
    }

    /** An image file in the store by its (raw, encoded) request name, if it is one. */
    public Optional<Path> image(String rawName) {
        return StorePaths.file(images, rawName).filter(p -> StorePaths.staysInside(images, p));
    }

    /** A boot file by its (raw, encoded) relative path below the boot root, if it is one. */
    public Optional<Path> bootFile(String rawPath) {
        Optional<Path> own = StorePaths.nested(boot, rawPath).filter(p -> StorePaths.staysInside(boot, p));
        if (own.isPresent() || fallback.isUnsatisfied()) {
            return own;
        }
        // the operator's file wins; otherwise what the server built, by the same checked relative name
        return StorePaths.nested(boot, rawPath).map(p -> boot.relativize(p).toString())
                .flatMap(relative -> fallback.get().find(relative));
    }

    /** A plain file in the import folder, by name (not encoded). */
    public Optional<Path> importFile(String name) {
        if (name == null || !StorePaths.plainName(name)) {
            return Optional.empty();
        }
        Path file = importDir.resolve(name).normalize();
        return file.getParent().equals(importDir) && StorePaths.plainFileIn(importDir, file)
                ? Optional.of(file) : Optional.empty();
    }

    /**
     * Renames a complete file into the store under {@code wanted}, or the first free {@code wanted-2}, {@code -3}...
     * that is neither on disk nor {@code taken} (registered, perhaps deleted). One rename at a time in this JVM, so
     * two uploads of the same name can never overwrite each other.
     */
    public synchronized Path moveIn(Path source, String wanted, Predicate<String> taken) throws IOException {
        for (int n = 1; n <= ImageNames.MAX_SUFFIX; n++) {
            String name = n == 1 ? wanted : ImageNames.withSuffix(wanted, n);
            Path target = images.resolve(name);
            if (!target.getParent().equals(images) || taken.test(name)
                    || Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try {
                Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
                return target;
            } catch (FileAlreadyExistsException raced) {
                LOG.fine(() -> name + " appeared meanwhile; trying the next name");
            }
        }
        throw DomainException.conflict("image", "Too many images are named " + wanted);
    }

    /** Puts a file back where it came from (a registration that failed after the rename). */
    public void moveBack(Path stored, Path original) {
        try {
            Files.move(stored, original, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not move " + stored + " back to " + original, e);
        }
    }

    public void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not delete " + file, e);
        }
    }

    /** Removes an image's file, its raw copy and its block map if any, from the store (after its deletion). */
    public void deleteImage(String filename) {
        if (StorePaths.plainName(filename)) {
            deleteQuietly(images.resolve(filename));
            deleteQuietly(raw.resolve(filename));
            deleteQuietly(bmapFile(filename));
        }
    }

    /** Where the block map of the image stored as {@code filename} lives: beside it, as bmaptool expects. */
    public Path bmapFile(String filename) {
        return images.resolve(filename + BMAP_SUFFIX);
    }

    /**
     * Puts a block map beside its image: written to a temporary file first, then renamed over the old one (if
     * any), so a reader sees the old map or the new one, never a part. The caller decides what the map is.
     */
    public synchronized void writeBmap(String filename, byte[] xml) throws IOException {
        Path temp = newUpload();
        try {
            Files.write(temp, xml, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            Files.move(temp, bmapFile(filename), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
        } finally {
            deleteQuietly(temp);
        }
    }
}
