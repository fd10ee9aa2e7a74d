package io.rpideploy.devices.entity;

import io.rpideploy.netboot.api.MacAddress;
import io.rpideploy.netboot.api.SerialNumber;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.Instant;

/** A Raspberry Pi board, known by its serial number (preferred) or the MAC address of its wired interface. */
@Entity
@Table(name = "device")
@NamedQuery(name = Device.BY_SERIAL, query = "SELECT d FROM Device d WHERE d.serialNumber = :serial")
@NamedQuery(name = Device.BY_MAC, query = "SELECT d FROM Device d WHERE d.macAddress = :mac")
public class Device implements BoardIdentity {

    public static final String BY_SERIAL = "Device.bySerial";
    public static final String BY_MAC = "Device.byMac";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "serial_number", unique = true)
    private String serialNumber;

    @Column(name = "mac_address", unique = true)
    private String macAddress;

    private String model;

    @Column(name = "first_seen", nullable = false)
    private Instant firstSeen;

    @Column(name = "last_seen", nullable = false)
    private Instant lastSeen;

    @Column(name = "current_hostname")
    private String currentHostname;

    /** Netboot once: an operator asked for this board to be imaged again although its last deployment succeeded. */
    @Column(name = "reimage_requested", nullable = false)
    private boolean reimageRequested;

    protected Device() {
    }

    public Device(SerialNumber serial, MacAddress mac, Instant seen) {
        setSerial(serial);
        setMac(mac);
        this.firstSeen = seen;
        this.lastSeen = seen;
    }

    public Long getId() { return id; }
    @Override public String getSerialNumber() { return serialNumber; }
    public void setSerial(SerialNumber serial) { this.serialNumber = BoardIdentity.column(serial); }
    @Override public String getMacAddress() { return macAddress; }
    public void setMac(MacAddress mac) { this.macAddress = BoardIdentity.column(mac); }
    public String getModel() { return model; }
    public void setModel(String model) { this.model = model; }
    public Instant getFirstSeen() { return firstSeen; }
    public Instant getLastSeen() { return lastSeen; }
    public void setLastSeen(Instant lastSeen) { this.lastSeen = lastSeen; }
    public String getCurrentHostname() { return currentHostname; }
    public void setCurrentHostname(String currentHostname) { this.currentHostname = currentHostname; }
    public boolean isReimageRequested() { return reimageRequested; }
    public void setReimageRequested(boolean reimageRequested) { this.reimageRequested = reimageRequested; }

    /** How the board is named in messages: serial if known, else MAC. */
    public String label() {
        return serialNumber != null ? "serial " + serialNumber : "MAC " + macAddress;
    }
}
