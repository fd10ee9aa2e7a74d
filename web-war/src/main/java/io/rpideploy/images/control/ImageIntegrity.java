package io.rpideploy.images.control;

import io.rpideploy.images.entity.Integrity;
import io.rpideploy.images.entity.MasterImage;
import io.rpideploy.platform.control.DomainException;
import jakarta.annotation.Resource;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Keeps an image file honest after registration: on every open its modification time and size must be those of
 * its last hash (a touched file is not served until hashed again), and a full SHA-256 pass, on demand and on a
 * schedule, finds the bit rot and the in-place edits a size and a time cannot show. An image that fails is never
 * sent, and /api/config does not hand it out.
 */
@ApplicationScoped
public class ImageIntegrity {

    private static final Logger LOG = Logger.getLogger(ImageIntegrity.class.getName());

    @Inject
    ImageRegistry registry;

    @Inject
    ImageStore store;

    @Inject
    RawCopies rawCopies;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "rpideploy.images.verify-interval-hours", defaultValue = "24")
    int intervalHours;

    @Resource
    ManagedThreadFactory threads;

    /**
     * One thread of its own, started with the application: one full hash at a time, and no request's context is
     * carried into it (a request-propagated task outlives its request and its clean-up fails).
     */
    private ThreadPoolExecutor executor;

    private final Set<Long> verifying = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean roundRunning = new AtomicBoolean();

    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
        executor.prestartAllCoreThreads();
    }

    @PreDestroy
    void stop() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    /** The modification time as stored (the column keeps milliseconds). */
    static Instant modified(BasicFileAttributes attributes) {
        return attributes.lastModifiedTime().toInstant().truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * Why this registered image must not be served now, or empty; checked on every open of its stored file. A
     * modification time that moved since the last hash is recorded (the image becomes {@code changed}).
     */
    public Optional<String> refusal(MasterImage image, BasicFileAttributes stored) {
        if (image.getIntegrity() == Integrity.OK && image.getFileModifiedAt() != null
                && !image.getFileModifiedAt().equals(modified(stored))) {
            String message = "the file was modified on " + modified(stored) + " after it was hashed on "
                    + image.getFileModifiedAt() + ": verify it again";
            LOG.warning(() -> "Image " + image.getFilename() + ": " + message + "; not served until then");
            registry.markChanged(image.getId(), image.getFileModifiedAt(), message);
            return Optional.of(message);
        }
        return switch (image.getIntegrity()) {
            case OK -> Optional.empty();
            case CHANGED, CORRUPT -> Optional.of(image.getIntegrityMessage() == null ? image.getIntegrity().label()
                    : image.getIntegrityMessage());
        };
    }

    /** Refuses (503) to hand out an image whose file is not as registered. */
    public static void requireServable(MasterImage image) {
        if (image.getIntegrity() != Integrity.OK) {
            throw new DomainException(DomainException.Kind.UNAVAILABLE, null, "The image " + image.getFilename()
                    + " failed its integrity check (" + image.getIntegrity().label() + ": "
                    + image.getIntegrityMessage() + "); verify it again or activate another one");
        }
    }

    public boolean verifying(long id) {
        return verifying.contains(id);
    }

    /** Starts a full verification in the background; false when one of this image is already running. */
    public boolean start(long id) {
        registry.require(id);
        if (!verifying.add(id)) {
            return false;
        }
        executor.execute(() -> {
            try {
                verify(id);
            } catch (RuntimeException e) {
                // an executor keeps a task's exception to itself: say it here
                LOG.log(Level.WARNING, "verification of image " + id + " failed", e);
            } finally {
                verifying.remove(id);
            }
        });
        return true;
    }

    /** The scheduled round: every image not verified within the interval, one after the other. */
    public void verifyDue() {
        if (intervalHours <= 0 || !roundRunning.compareAndSet(false, true)) {
            return;
        }
        Instant due = clock.instant().minus(Duration.ofHours(intervalHours));
        try {
            executor.execute(() -> {
                try {
                    for (MasterImage image : registry.listInBackground()) {
                        Instant last = image.getVerifiedAt() != null ? image.getVerifiedAt() : image.getUploadedAt();
                        if (last.isBefore(due) && verifying.add(image.getId())) {
                            try {
                                verify(image.getId());
                            } finally {
                                verifying.remove(image.getId());
                            }
                        }
                    }
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "image verification round stopped; the next one goes on", e);
                } finally {
                    roundRunning.set(false);
                }
            });
        } catch (RuntimeException e) {
            roundRunning.set(false);
            throw e;
        }
    }

    /** Hashes the stored file (and the raw copy, if any) and records the verdict. */
    void verify(long id) {
        MasterImage image = registry.requireInBackground(id);
        Path file = store.images().resolve(image.getFilename());
        long started = System.nanoTime();
        try {
            BasicFileAttributes before = Files.readAttributes(file, BasicFileAttributes.class);
            String sha = sha256(file);
            BasicFileAttributes after = Files.readAttributes(file, BasicFileAttributes.class);
            if (!modified(before).equals(modified(after)) || before.size() != after.size()) {
                registry.recordIntegrity(id, Integrity.CHANGED, "the file changed while it was verified", null,
                        true);
            } else if (image.getSizeBytes() != null && before.size() != image.getSizeBytes()) {
                registry.recordIntegrity(id, Integrity.CORRUPT, "the file is " + before.size()
                        + " bytes, registered with " + image.getSizeBytes(), null, true);
            } else if (!sha.equals(image.getChecksum())) {
                registry.recordIntegrity(id, Integrity.CORRUPT, "the file's SHA-256 is " + sha + ", registered "
                        + image.getChecksum(), null, true);
            } else {
                checkRawCopy(image);
                registry.recordIntegrity(id, Integrity.OK, null, modified(after), true);
            }
            LOG.info(() -> "verified image " + image.getFilename() + " in "
                    + (System.nanoTime() - started) / 1_000_000 + " ms");
        } catch (NoSuchFileException gone) {
            registry.recordIntegrity(id, Integrity.CORRUPT, "the file is gone from " + store.images(), null, true);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot verify image " + image.getFilename(), e);
            registry.recordIntegrity(id, Integrity.CORRUPT, "the file cannot be read: " + e.getMessage(), null, true);
        }
    }

    /** A raw copy that no longer matches is removed and made again from the (verified) stored file. */
    private void checkRawCopy(MasterImage image) throws IOException {
        Optional<Path> raw = rawCopies.ready(image);
        if (raw.isPresent() && !sha256(raw.get()).equals(image.getUncompressedChecksum())) {
            LOG.warning(() -> "raw copy of " + image.getFilename() + " differs from the registered uncompressed "
                    + "SHA-256: made again");
            store.deleteQuietly(raw.get());
            rawCopies.makeQuietly(image);
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest sha = ImageDigester.sha256();
        byte[] buffer = new byte[ImageDigester.BUFFER];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                sha.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
