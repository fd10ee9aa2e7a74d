package io.rpideploy.deployments.entity;

import io.rpideploy.devices.entity.Device;
import io.rpideploy.images.entity.MasterImage;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * One imaging run of one board (plan's deployment_history). Hostname, venue and product are copied at start so
 * the history stays true when pools or venues change later.
 */
@Entity
@Table(name = "deployment")
public class Deployment {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "device_id")
    private Device device;

    private String hostname;

    @Column(name = "mac_address")
    private String macAddress;

    @Column(name = "serial_number")
    private String serialNumber;

    @Column(name = "ip_address")
    private String ipAddress;

    @Column(name = "product_type")
    private String productType;

    @Column(name = "venue_code")
    private String venueCode;

    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "image_id")
    private MasterImage image;

    @Column(name = "image_version")
    private String imageVersion;

    @Column(nullable = false)
    private String status;

    @Column(name = "started_at", nullable = false)
    private Instant startedAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Column(name = "completed_at")
    private Instant completedAt;

    @Column(name = "error_message")
    private String errorMessage;

    protected Deployment() {
    }

    public Deployment(Device device, String hostname, String productType, String venueCode, String status,
                      Instant startedAt) {
        this.device = device;
        this.hostname = hostname;
        this.productType = productType;
        this.venueCode = venueCode;
        this.status = status;
        this.startedAt = startedAt;
        this.updatedAt = startedAt;
        if (device != null) {
            this.serialNumber = device.getSerialNumber();
            this.macAddress = device.getMacAddress();
        }
    }

    public Long getId() { return id; }
    public Device getDevice() { return device; }
    public String getHostname() { return hostname; }
    public String getMacAddress() { return macAddress; }
    public String getSerialNumber() { return serialNumber; }
    public String getIpAddress() { return ipAddress; }
    public void setIpAddress(String ipAddress) { this.ipAddress = ipAddress; }
    public String getProductType() { return productType; }
    public String getVenueCode() { return venueCode; }
    public MasterImage getImage() { return image; }
    public void setImage(MasterImage image) { this.image = image; }
    public String getImageVersion() { return imageVersion; }
    public void setImageVersion(String imageVersion) { this.imageVersion = imageVersion; }
    public String getStatus() { return status; }
    public void setStatus(String status) { this.status = status; }
    public Instant getStartedAt() { return startedAt; }
    public Instant getUpdatedAt() { return updatedAt; }
    public void setUpdatedAt(Instant updatedAt) { this.updatedAt = updatedAt; }
    public Instant getCompletedAt() { return completedAt; }
    public void setCompletedAt(Instant completedAt) { this.completedAt = completedAt; }
    public String getErrorMessage() { return errorMessage; }
    public void setErrorMessage(String errorMessage) { this.errorMessage = errorMessage; }
}
