package io.rpideploy.venues.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import jakarta.persistence.Version;
import java.time.Instant;

/** A racing venue: its four-character code is part of every hostname deployed there. */
@Entity
@Table(name = "venue")
@NamedQuery(name = Venue.BY_CODE, query = "SELECT v FROM Venue v WHERE v.code = :code")
@NamedQuery(name = Venue.ALL, query = "SELECT v FROM Venue v ORDER BY v.code")
public class Venue {

    public static final String BY_CODE = "Venue.byCode";
    public static final String ALL = "Venue.all";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, unique = true, length = 4)
    private String code;

    @Column(nullable = false)
    private String name;

    private String location;

    @Column(name = "contact_email")
    private String contactEmail;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    /** Raised by every change: the optimistic lock and the HTTP entity tag (see Revisions). */
    @Version
    private long version;

    protected Venue() {
    }

    public Venue(String code, String name, String location, String contactEmail, Instant createdAt) {
        this.code = code;
        this.name = name;
        this.location = location;
        this.contactEmail = contactEmail;
        this.createdAt = createdAt;
    }

    public Long getId() { return id; }
    public String getCode() { return code; }
    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getLocation() { return location; }
    public void setLocation(String location) { this.location = location; }
    public String getContactEmail() { return contactEmail; }
    public void setContactEmail(String contactEmail) { this.contactEmail = contactEmail; }
    public Instant getCreatedAt() { return createdAt; }

    public long getVersion() { return version; }
}
