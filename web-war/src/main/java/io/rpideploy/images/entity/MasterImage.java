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
import java.time.Instant;

/** A master image of one product; at most one per product is active and handed to deploying boards. */
@Entity
@Table(name = "master_image")
public class MasterImage {

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

    private String checksum;

    private String description;

    @Column(name = "is_active", nullable = false)
    private boolean active;

    @Column(name = "uploaded_at", nullable = false)
    private Instant uploadedAt;

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
}
