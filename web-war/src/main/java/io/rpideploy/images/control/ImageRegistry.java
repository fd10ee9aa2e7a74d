package io.rpideploy.images.control;

import io.rpideploy.audit.control.AuditLog;
import io.rpideploy.hostnames.entity.Product;
import io.rpideploy.images.entity.ImageFormat;
import io.rpideploy.images.entity.Integrity;
import io.rpideploy.images.entity.MasterImage;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.platform.control.Revisions;
import io.rpideploy.platform.control.TextRules;
import io.rpideploy.platform.control.SerializedWrite;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The master images: which ones exist, which one each product deploys, and the way back to the one before. */
@ApplicationScoped
public class ImageRegistry {

    @Inject
    Event<ImageActivated> activations;

    static final int MAX_TEXT = 2000;

    @PersistenceContext
    EntityManager em;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Inject
    ImageStore store;

    /** The image a board of this product receives now, if one is active. */
    public Optional<MasterImage> active(Product product) {
        return em.createQuery("SELECT i FROM MasterImage i WHERE i.product = :product AND i.active = TRUE",
                MasterImage.class).setParameter("product", product).setMaxResults(1).getResultStream().findFirst();
    }

    /** Every image that still has its file, per product, newest first. */
    public List<MasterImage> list() {
        return em.createQuery("SELECT i FROM MasterImage i WHERE i.deletedAt IS NULL"
                + " ORDER BY i.product, i.uploadedAt DESC, i.id DESC", MasterImage.class).getResultList();
    }

    public MasterImage require(long id) {
        MasterImage image = em.find(MasterImage.class, id);
        if (image == null || image.getDeletedAt() != null) {
            throw DomainException.notFound("Image " + id + " does not exist");
        }
        return image;
    }

    /**
     * {@link #require} and {@link #list} for background threads: inside a transaction the persistence context is
     * the transaction's and ends with it. Outside one (no request around it) each call would open an entity manager
     * whose clean-up belongs to whichever invocation the executor propagated, and races with its end.
     */
    @Transactional
    public MasterImage requireInBackground(long id) {
        return require(id);
    }

    @Transactional
    public List<MasterImage> listInBackground() {
        return list();
    }

    /** The registered (not deleted) image stored under this file name. */
    public Optional<MasterImage> byFilename(String filename) {
        return em.createQuery("SELECT i FROM MasterImage i WHERE i.filename = :name AND i.deletedAt IS NULL",
                MasterImage.class).setParameter("name", filename).getResultStream().findFirst();
    }

    /** Whether any image, deleted ones included, ever had this name (the column is unique). */
    public boolean filenameTaken(String filename) {
        return em.createQuery("SELECT COUNT(i) FROM MasterImage i WHERE i.filename = :name", Long.class)
                .setParameter("name", filename).getSingleResult() > 0;
    }

    /** What an upload or import found out about a file that is now in the store. */
    public record NewImage(String filename, String originalFilename, Product product, String version,
                           ImageFormat format, ImageDigester.Digests digests, String description, String how,
                           BlockMapCheck.Checked bmap, long bmapSize) {
        public NewImage(String filename, String originalFilename, Product product, String version,
                        ImageFormat format, ImageDigester.Digests digests, String description, String how) {
            this(filename, originalFilename, product, version, format, digests, description, how, null, 0);
        }
    }

    @SerializedWrite
    @Transactional
    public MasterImage register(NewImage file) {
        MasterImage image = new MasterImage(file.filename(), file.product(), file.version(), clock.instant());
        image.setOriginalFilename(file.originalFilename());
        image.setFormat(file.format());
        image.setSizeBytes(file.digests().size());
        image.setChecksum(file.digests().checksum());
        image.setUncompressedSize(file.digests().uncompressedSize());
        image.setUncompressedChecksum(file.digests().uncompressedChecksum());
        image.setDescription(text(file.description(), "description"));
        image.setUploadedBy(audit.currentActor());
        image.setVerifiedAt(clock.instant()); // hashed on the way in
        if (file.bmap() != null) {
            image.setBmap(file.bmap().sha256(), file.bmapSize());
        }
        try {
            image.setFileModifiedAt(ImageIntegrity.modified(Files.readAttributes(
                    store.images().resolve(file.filename()), BasicFileAttributes.class)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the stored image " + file.filename(), e);
        }
        em.persist(image);
        em.flush();
        audit.record("image." + file.how(), file.filename(), file.product() + " v" + file.version() + ", "
                + file.digests().size() + " bytes, sha256 " + file.digests().checksum()
                + (file.bmap() == null ? "" : ", with a bmap of " + file.bmap().ranges() + " ranges"));
        return image;
    }

    /**
     * Records the block map now stored beside the image ({@code checked} null: removed), refused (412) when the
     * image is no longer at {@code expectedVersion} (null: any).
     */
    @SerializedWrite
    @Transactional
    public MasterImage recordBmap(long id, Long expectedVersion, BlockMapCheck.Checked checked, long size) {
        MasterImage image = require(id);
        Revisions.require(image.getRowVersion(), expectedVersion, "Image " + image.getFilename(),
                audit.lastChangeOf(image.getFilename()));
        if (checked == null) {
            image.setBmap(null, null);
            audit.record("image.bmap", image.getFilename(), "block map removed");
        } else {
            image.setBmap(checked.sha256(), size);
            audit.record("image.bmap", image.getFilename(), "block map of " + checked.ranges() + " ranges, "
                    + checked.mappedBlocks() + " of " + checked.blocksCount() + " blocks of " + checked.blockSize()
                    + " bytes mapped, sha256 " + checked.sha256());
        }
        return image;
    }

    /** The raw size a block map of this image must describe; empty when it is not known (an old compressed one). */
    public static Optional<Long> rawSize(MasterImage image) {
        if (image.getUncompressedSize() != null) {
            return Optional.of(image.getUncompressedSize());
        }
        return image.getFormat() == ImageFormat.IMG ? Optional.ofNullable(image.getSizeBytes()) : Optional.empty();
    }

    /** Makes this image the one its product deploys; the one it replaces is remembered for a rollback. */
    @SerializedWrite
    @Transactional
    public MasterImage activate(long id) {
        MasterImage image = require(id);
        if (image.isActive()) {
            return image;
        }
        requireDiskImage(image); // registered before uploads were checked, or changed on disk since
        if (image.getIntegrity() != Integrity.OK) {
            throw DomainException.conflict("The file of " + image.getFilename() + " failed its integrity check ("
                    + image.getIntegrity().label() + "): verify it again before activating it");
        }
        Optional<MasterImage> current = active(image.getProduct());
        switchTo(image);
        image.setPreviousImageId(current.map(MasterImage::getId).orElse(null));
        activations.fire(new ImageActivated(image.getProduct(), image.getId(), image.getFilename()));
        audit.record("image.activate", image.getFilename(), image.getProduct() + " v" + image.getVersion()
                + current.map(c -> " replaces " + c.getFilename()).orElse(""));
        return image;
    }

    /** Back to the image that was active before the current one of this product. */
    @SerializedWrite
    @Transactional
    public MasterImage rollback(Product product) {
        MasterImage current = active(product).orElseThrow(() -> DomainException.conflict("product_type",
                "No image of " + product + " is active"));
        Long previousId = current.getPreviousImageId();
        MasterImage previous = previousId == null ? null : em.find(MasterImage.class, previousId);
        if (previous == null || previous.getDeletedAt() != null) {
            throw DomainException.conflict("product_type", "There is no earlier image of " + product
                    + " to roll back to");
        }
        switchTo(previous);
        activations.fire(new ImageActivated(product, previous.getId(), previous.getFilename()));
        audit.record("image.rollback", previous.getFilename(), product + " back to v" + previous.getVersion()
                + " from " + current.getFilename());
        return previous;
    }

    private void requireDiskImage(MasterImage image) {
        byte[] head;
        try {
            head = DiskLayout.head(store.images().resolve(image.getFilename()), image.getFormat());
        } catch (IOException e) {
            throw DomainException.conflict("The file of image " + image.getId() + " cannot be read: " + e.getMessage());
        }
        String problem = DiskLayout.problem(head);
        if (problem != null) {
            throw DomainException.conflict(problem + "; it cannot be activated");
        }
    }

    /** Deactivates the product's active image and activates this one (the partial unique index allows one). */
    private void switchTo(MasterImage image) {
        em.createQuery("UPDATE MasterImage i SET i.active = FALSE WHERE i.product = :product AND i.active = TRUE")
                .setParameter("product", image.getProduct()).executeUpdate();
        image.setActive(true);
        image.setActivatedAt(clock.instant());
        em.flush();
    }

    /**
     * Records what a check of the image's file found. {@code verified}: a full hash was done (audited); otherwise an
     * open noticed a change. {@code modified} (with OK) is the file's modification time that hash saw.
     */
    @SerializedWrite
    @Transactional
    public void recordIntegrity(long id, Integrity integrity, String message, Instant modified, boolean verified) {
        MasterImage image = em.find(MasterImage.class, id);
        if (image == null) {
            return;
        }
        Integrity before = image.getIntegrity();
        image.setIntegrity(integrity);
        image.setIntegrityMessage(message);
        if (modified != null) {
            image.setFileModifiedAt(modified);
        }
        if (verified) {
            image.setVerifiedAt(clock.instant());
        }
        if (verified || before != integrity) {
            audit.record(verified ? "image.verify" : "image.changed", image.getFilename(), integrity.label()
                    + (message == null ? "" : ": " + message));
        }
    }

    /**
     * Marks an image {@code changed} only if it is still as the caller saw it (ok, hashed at {@code seenModified}):
     * a download that noticed a touched file must not overwrite the verdict of a verification that ended meanwhile.
     * Many downloads noticing the same touch write once.
     */
    @SerializedWrite
    @Transactional
    public void markChanged(long id, Instant seenModified, String message) {
        // writes are serialized and read fresh (no shared cache): this check and the change are one step
        MasterImage image = em.find(MasterImage.class, id);
        if (image != null && image.getIntegrity() == Integrity.OK && Objects.equals(image.getFileModifiedAt(),
                seenModified)) {
            image.setIntegrity(Integrity.CHANGED);
            image.setIntegrityMessage(message);
            audit.record("image.changed", image.getFilename(), Integrity.CHANGED.label() + ": " + message);
        }
    }

    /** Changes the description and notes; empty leaves a field as it is, a blank text clears it. */
    @SerializedWrite
    @Transactional
    public MasterImage update(long id, Optional<String> description, Optional<String> notes) {
        return update(id, null, description, notes);
    }

    /** The same, refused (412) when the image is no longer at {@code expectedVersion} (null: any). */
    @SerializedWrite
    @Transactional
    public MasterImage update(long id, Long expectedVersion, Optional<String> description, Optional<String> notes) {
        MasterImage image = require(id);
        Revisions.require(image.getRowVersion(), expectedVersion, "Image " + image.getFilename(),
                audit.lastChangeOf(image.getFilename()));
        description.ifPresent(d -> image.setDescription(text(d, "description")));
        notes.ifPresent(n -> image.setNotes(text(n, "notes")));
        audit.record("image.update", image.getFilename(), "description/notes changed");
        return image;
    }

    /** Marks the image deleted; the caller removes the file after the commit. Refused for the active one. */
    @SerializedWrite
    @Transactional
    public MasterImage delete(long id) {
        return delete(id, null);
    }

    @SerializedWrite
    @Transactional
    public MasterImage delete(long id, Long expectedVersion) {
        MasterImage image = require(id);
        Revisions.require(image.getRowVersion(), expectedVersion, "Image " + image.getFilename(),
                audit.lastChangeOf(image.getFilename()));
        if (image.isActive()) {
            throw DomainException.conflict("The active image of " + image.getProduct()
                    + " cannot be deleted: activate another one first");
        }
        image.setDeletedAt(clock.instant());
        audit.record("image.delete", image.getFilename(), image.getProduct() + " v" + image.getVersion());
        return image;
    }

    private static String text(String value, String field) {
        // notes and descriptions may break lines; control and direction characters are refused
        return TextRules.multiline(field, field, value, MAX_TEXT);
    }
}
