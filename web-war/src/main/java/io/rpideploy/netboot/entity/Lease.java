package io.rpideploy.netboot.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A DHCP lease: the latest state of one client MAC. Written in batches by {@code LeaseBook} (plain JDBC upserts:
 * the DHCP server acknowledges only after its batch is stored); read here for the console and the API.
 */
@Entity
@Table(name = "dhcp_lease")
@NamedQuery(name = Lease.ALL, query = "SELECT l FROM Lease l ORDER BY l.updatedAt DESC")
public class Lease {

    public static final String ALL = "Lease.all";

    @Id
    private Long id;

    @Column(name = "mac_address", nullable = false)
    private String macAddress;

    @Column(name = "ip_address", nullable = false)
    private String ipAddress;

    @Column(nullable = false)
    private String state;

    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Column(name = "client_kind")
    private String clientKind;

    @Column(name = "pi_serial")
    private String piSerial;

    @Column(name = "host_name")
    private String hostName;

    protected Lease() {
    }

    public Long getId() { return id; }
    public String getMacAddress() { return macAddress; }
    public String getIpAddress() { return ipAddress; }
    public String getState() { return state; }
    public Instant getExpiresAt() { return expiresAt; }
    public Instant getUpdatedAt() { return updatedAt; }
    public String getClientKind() { return clientKind; }
    public String getPiSerial() { return piSerial; }
    public String getHostName() { return hostName; }
}
