package io.rpideploy.deployments.entity;

import io.rpideploy.devices.entity.BoardIdentity;
import io.rpideploy.hostnames.entity.Product;
import io.rpideploy.netboot.api.MacAddress;
import io.rpideploy.netboot.api.SerialNumber;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * One imaging run of one board (plan's deployment_history). Hostname, venue, product and image version are copied
 * at start so the history stays true when pools, venues or images change later; board and image are kept as ids,
 * not relations, so a page of history is one query.
 */
@Entity
@Table(name = "deployment")
public class Deployment implements BoardIdentity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "device_id")
    private Long deviceId;

    private String hostname;

    @Column(name = "mac_address")
    private String macAddress;

    @Column(name = "serial_number")
    private String serialNumber;

    @Column(name = "ip_address")
    private String ipAddress;

    /** SHA-256 of the secret /api/config gave the board for this run; its reports prove their origin with it. */
    @Column(name = "report_token_hash")
    private String reportTokenHash;

    @Column(name = "product_type")
    private String productType;

    @Column(name = "venue_code")
    private String venueCode;

    @Column(name = "image_id")
    private Long imageId;

    @Column(name = "image_version")
    private String imageVersion;

    /** The imaging session the board was imaged for; null when it asked with venue and product or none was open. */
    @Column(name = "session_id")
    private Long sessionId;

    @Column(nullable = false)
    private String status;

    @Column(name = "started_at", nullable = false)
    private Instant startedAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Column(name = "last_seen_at")
    private Instant lastSeenAt;

    @Column(name = "completed_at")
    private Instant completedAt;

    @Column(name = "error_message")
    private String errorMessage;

    private String message;

    private Integer progress;

    @Column(name = "bytes_written")
    private Long bytesWritten;

    @Column(name = "bytes_total")
    private Long bytesTotal;

    @Column(name = "rate_bps")
    private Long rateBps;

    protected Deployment() {
    }

    /** A run that begins in {@code state}, reported by the board at {@code ip}. */
    public Deployment(DeploymentState state, SerialNumber serial, MacAddress mac, String ipAddress, Instant at) {
        this.status = state.value();
        setSerial(serial);
        setMac(mac);
        this.ipAddress = ipAddress;
        this.startedAt = at;
        this.updatedAt = at;
        this.lastSeenAt = at;
    }

    /** What /api/config decided: the board's name and the image it receives. */
    public void configure(Long deviceId, String hostname, Product product, String venueCode, Long imageId,
                          String imageVersion) {
        this.deviceId = deviceId;
        this.hostname = hostname;
        this.productType = product == null ? null : product.name();
        this.venueCode = venueCode;
        this.imageId = imageId;
        this.imageVersion = imageVersion;
    }

    /** Whether /api/config has run for this deployment (a run opened by {@code starting} has not yet). */
    public boolean isConfigured() {
        return imageId != null;
    }

    public DeploymentState getState() {
        return DeploymentState.parse(status).orElseThrow(() ->
                new IllegalStateException("deployment " + id + " has unknown status " + status));
    }

    public void setState(DeploymentState state, Instant at) {
        this.status = state.value();
        this.updatedAt = at;
    }

    public void setProgress(Integer progress, Long bytesWritten, Long bytesTotal, Long rateBps) {
        this.progress = progress;
        this.bytesWritten = bytesWritten;
        this.bytesTotal = bytesTotal;
        this.rateBps = rateBps;
    }

    public Long getId() { return id; }
    public Long getDeviceId() { return deviceId; }
    public String getHostname() { return hostname; }
    @Override public String getMacAddress() { return macAddress; }
    public void setMac(MacAddress mac) { this.macAddress = BoardIdentity.column(mac); }
    @Override public String getSerialNumber() { return serialNumber; }
    public void setSerial(SerialNumber serial) { this.serialNumber = BoardIdentity.column(serial); }

    public String getReportTokenHash() { return reportTokenHash; }
    public void setReportTokenHash(String reportTokenHash) { this.reportTokenHash = reportTokenHash; }
    public String getIpAddress() { return ipAddress; }
    public void setIpAddress(String ipAddress) { this.ipAddress = ipAddress; }
    public String getProductType() { return productType; }
    public String getVenueCode() { return venueCode; }
    public Long getImageId() { return imageId; }
    public String getImageVersion() { return imageVersion; }
    public Long getSessionId() { return sessionId; }
    public void setSessionId(Long sessionId) { this.sessionId = sessionId; }
    public String getStatus() { return status; }
    public Instant getStartedAt() { return startedAt; }
    public Instant getUpdatedAt() { return updatedAt; }
    public Instant getLastSeenAt() { return lastSeenAt; }
    public void setLastSeenAt(Instant lastSeenAt) { this.lastSeenAt = lastSeenAt; }
    public Instant getCompletedAt() { return completedAt; }
    public void setCompletedAt(Instant completedAt) { this.completedAt = completedAt; }
    public String getErrorMessage() { return errorMessage; }
    public void setErrorMessage(String errorMessage) { this.errorMessage = errorMessage; }
    public String getMessage() { return message; }
    public void setMessage(String message) { this.message = message; }
    public Integer getProgress() { return progress; }
    public Long getBytesWritten() { return bytesWritten; }
    public Long getBytesTotal() { return bytesTotal; }
    public Long getRateBps() { return rateBps; }
}
