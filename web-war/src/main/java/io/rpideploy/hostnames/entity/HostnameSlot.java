package io.rpideploy.hostnames.entity;

import io.rpideploy.devices.entity.Device;
import io.rpideploy.venues.entity.Venue;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/**
 * One hostname of a venue's pool: a kart number (KXP2) loaded in advance, or a serial-derived name (RXP2)
 * created at its first assignment. At most one device holds it while it is assigned.
 */
@Entity
@Table(name = "hostname_slot")
@NamedQuery(name = HostnameSlot.LOWEST_AVAILABLE, query = "SELECT s FROM HostnameSlot s WHERE s.venue = :venue"
        + " AND s.product = :product AND s.status = io.rpideploy.hostnames.entity.SlotStatus.AVAILABLE"
        + " AND s.pinnedSerial IS NULL ORDER BY s.identifier")
@NamedQuery(name = HostnameSlot.PINNED_TO, query = "SELECT s FROM HostnameSlot s WHERE s.pinnedSerial = :serial")
@NamedQuery(name = HostnameSlot.ASSIGNED_TO, query = "SELECT s FROM HostnameSlot s WHERE s.device = :device"
        + " AND s.status = io.rpideploy.hostnames.entity.SlotStatus.ASSIGNED")
@NamedQuery(name = HostnameSlot.BY_HOSTNAME, query = "SELECT s FROM HostnameSlot s WHERE s.hostname = :hostname")
@NamedQuery(name = HostnameSlot.BY_KEY, query = "SELECT s FROM HostnameSlot s WHERE s.venue = :venue"
        + " AND s.product = :product AND s.identifier = :identifier")
@NamedQuery(name = HostnameSlot.IDENTIFIERS, query = "SELECT s.identifier FROM HostnameSlot s WHERE s.venue = :venue"
        + " AND s.product = :product")
@NamedQuery(name = HostnameSlot.COUNT_BY_STATUS, query = "SELECT s.status, COUNT(s) FROM HostnameSlot s"
        + " WHERE s.venue = :venue GROUP BY s.status")
public class HostnameSlot {

    public static final String LOWEST_AVAILABLE = "HostnameSlot.lowestAvailable";
    public static final String ASSIGNED_TO = "HostnameSlot.assignedTo";
    public static final String BY_HOSTNAME = "HostnameSlot.byHostname";
    public static final String BY_KEY = "HostnameSlot.byKey";
    public static final String IDENTIFIERS = "HostnameSlot.identifiers";
    public static final String COUNT_BY_STATUS = "HostnameSlot.countByStatus";
    public static final String PINNED_TO = "HostnameSlot.pinnedTo";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Enumerated(EnumType.STRING)
    @Column(name = "product_type", nullable = false)
    private Product product;

    @ManyToOne(optional = false, fetch = FetchType.LAZY)
    @JoinColumn(name = "venue_id")
    private Venue venue;

    @Column(nullable = false)
    private String identifier;

    @Column(nullable = false, unique = true)
    private String hostname;

    @Column(nullable = false)
    private SlotStatus status;

    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "device_id")
    private Device device;

    @Column(name = "assigned_at")
    private Instant assignedAt;

    private String notes;

    /** The only board (by serial) that may take this name; null: any board. */
    @Column(name = "pinned_serial")
    private String pinnedSerial;

    /** The board (serial, or MAC when it had none) that held this name before a replacement. */
    @Column(name = "replaced_serial")
    private String replacedSerial;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    /** Raised by every change: the optimistic lock and the HTTP entity tag of the notes (see Revisions). */
    @Version
    private long version;

    protected HostnameSlot() {
    }

    public HostnameSlot(Product product, Venue venue, String identifier, Instant createdAt) {
        this.product = product;
        this.venue = venue;
        this.identifier = identifier;
        this.hostname = product.name() + "-" + venue.getCode() + "-" + identifier;
        this.status = SlotStatus.AVAILABLE;
        this.createdAt = createdAt;
    }

    public void assignTo(Device device, Instant at) {
        this.status = SlotStatus.ASSIGNED;
        this.device = device;
        this.assignedAt = at;
    }

    public void release() {
        this.status = SlotStatus.AVAILABLE;
        this.device = null;
        this.assignedAt = null;
    }

    public void retire() {
        this.status = SlotStatus.RETIRED;
        this.device = null;
        this.assignedAt = null;
    }

    public Long getId() { return id; }
    public Product getProduct() { return product; }
    public Venue getVenue() { return venue; }
    public String getIdentifier() { return identifier; }
    public String getHostname() { return hostname; }
    public SlotStatus getStatus() { return status; }
    public Device getDevice() { return device; }
    public Instant getAssignedAt() { return assignedAt; }
    public Instant getCreatedAt() { return createdAt; }
    public String getNotes() { return notes; }
    public void setNotes(String notes) { this.notes = notes; }
    public String getPinnedSerial() { return pinnedSerial; }
    public void setPinnedSerial(String pinnedSerial) { this.pinnedSerial = pinnedSerial; }
    public String getReplacedSerial() { return replacedSerial; }
    public void setReplacedSerial(String replacedSerial) { this.replacedSerial = replacedSerial; }
    public long getVersion() { return version; }
}
