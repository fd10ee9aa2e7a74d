package io.rpideploy.images.entity;

import io.rpideploy.hostnames.entity.Product;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/**
 * A master image of one product; at most one per product is active and handed to deploying boards. A deleted
 * image keeps its row (deployments refer to it) but has no file any more.
 */
@Entity
@Table(name = "master_image")
public class MasterImage {

    /** Raised by every change: the optimistic lock and the HTTP entity tag (see Revisions). */
    @Version
    @Column(name = "row_version")
    private long rowVersion;

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, unique = true)
    private String filename;

    @Enumerated(EnumType.STRING)
    @Column(name = "product_type", nullable = false)
    private Product product;

    @Column(nullable = false)
    private String version;

    @Column(name = "size_bytes")
    private Long sizeBytes;

    /** SHA-256 (hex) of the file as served. */
    private String checksum;

    private String description;

    @Column(name = "is_active", nullable = false)
    private boolean active;

    @Column(name = "uploaded_at", nullable = false)
    private Instant uploadedAt;

    @Column(nullable = false)
    private ImageFormat format = ImageFormat.IMG;

    @Column(name = "original_filename")
    private String originalFilename;

    @Column(name = "uncompressed_size")
    private Long uncompressedSize;

    @Column(name = "uncompressed_checksum")
    private String uncompressedChecksum;

    private String notes;

    @Column(name = "uploaded_by")
    private String uploadedBy;

    @Column(name = "activated_at")
    private Instant activatedAt;

    @Column(name = "previous_image_id")
    private Long previousImageId;

    @Column(name = "deleted_at")
    private Instant deletedAt;

    @Column(name = "file_modified_at")
    private Instant fileModifiedAt;

    @Column(name = "verified_at")
    private Instant verifiedAt;

    @Column(nullable = false)
    private Integrity integrity = Integrity.OK;

    @Column(name = "integrity_message")
    private String integrityMessage;

    /** SHA-256 (hex) of the image's checked block map file ({@code <filename>.bmap}); null: it has none. */
    @Column(name = "bmap_checksum")
    private String bmapChecksum;

    @Column(name = "bmap_size")
    private Long bmapSize;

    protected MasterImage() {
    }

    public MasterImage(String filename, Product product, String version, Instant uploadedAt) {
        this.filename = filename;
        this.product = product;
        this.version = version;
        this.uploadedAt = uploadedAt;
    }

    public Long getId() { return id; }
    public String getFilename() { return filename; }
    public Product getProduct() { return product; }
    public String getVersion() { return version; }
    public Long getSizeBytes() { return sizeBytes; }
    public void setSizeBytes(Long sizeBytes) { this.sizeBytes = sizeBytes; }
    public String getChecksum() { return checksum; }
    public void setChecksum(String checksum) { this.checksum = checksum; }
    public String getDescription() { return description; }
    public void setDescription(String description) { this.description = description; }
    public boolean isActive() { return active; }
    public void setActive(boolean active) { this.active = active; }
    public Instant getUploadedAt() { return uploadedAt; }
    public ImageFormat getFormat() { return format; }
    public void setFormat(ImageFormat format) { this.format = format; }
    public String getOriginalFilename() { return originalFilename; }
    public void setOriginalFilename(String originalFilename) { this.originalFilename = originalFilename; }
    public Long getUncompressedSize() { return uncompressedSize; }
    public void setUncompressedSize(Long uncompressedSize) { this.uncompressedSize = uncompressedSize; }
    public String getUncompressedChecksum() { return uncompressedChecksum; }
    public void setUncompressedChecksum(String uncompressedChecksum) { this.uncompressedChecksum = uncompressedChecksum; }
    public String getNotes() { return notes; }
    public void setNotes(String notes) { this.notes = notes; }
    public String getUploadedBy() { return uploadedBy; }
    public void setUploadedBy(String uploadedBy) { this.uploadedBy = uploadedBy; }
    public Instant getActivatedAt() { return activatedAt; }
    public void setActivatedAt(Instant activatedAt) { this.activatedAt = activatedAt; }
    public Long getPreviousImageId() { return previousImageId; }
    public void setPreviousImageId(Long previousImageId) { this.previousImageId = previousImageId; }
    public Instant getDeletedAt() { return deletedAt; }
    public void setDeletedAt(Instant deletedAt) { this.deletedAt = deletedAt; }
    public Instant getFileModifiedAt() { return fileModifiedAt; }
    public void setFileModifiedAt(Instant fileModifiedAt) { this.fileModifiedAt = fileModifiedAt; }
    public Instant getVerifiedAt() { return verifiedAt; }
    public void setVerifiedAt(Instant verifiedAt) { this.verifiedAt = verifiedAt; }
    public Integrity getIntegrity() { return integrity; }
    public void setIntegrity(Integrity integrity) { this.integrity = integrity; }
    public String getIntegrityMessage() { return integrityMessage; }
    public void setIntegrityMessage(String integrityMessage) { this.integrityMessage = integrityMessage; }

    public String getBmapChecksum() { return bmapChecksum; }
    public Long getBmapSize() { return bmapSize; }
    public boolean hasBmap() { return bmapChecksum != null; }

    /** The block map's file as checked (both null: none). */
    public void setBmap(String checksum, Long size) {
        this.bmapChecksum = checksum;
        this.bmapSize = size;
    }

    public long getRowVersion() { return rowVersion; }
}
