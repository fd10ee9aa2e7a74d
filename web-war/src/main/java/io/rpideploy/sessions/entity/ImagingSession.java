package io.rpideploy.sessions.entity;

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
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * A venue's imaging day: boards that ask /api/config without a venue or product are imaged for this one while it
 * is open. Venue and product are kept as the codes they had (like the deployment history), the image as its id.
 */
@Entity
@Table(name = "imaging_session")
public class ImagingSession {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "venue_code", nullable = false)
    private String venueCode;

    @Enumerated(EnumType.STRING)
    @Column(name = "product_type", nullable = false)
    private Product product;

    /** How many boards it names before it closes itself; null: until closed. */
    @Column(name = "board_count")
    private Integer boardCount;

    @Column(name = "image_id")
    private Long imageId;

    /** Normalised serials separated by one space; null: any board. */
    private String serials;

    @Column(name = "opened_at", nullable = false)
    private Instant openedAt;

    @Column(name = "opened_by", nullable = false)
    private String openedBy;

    @Column(name = "closed_at")
    private Instant closedAt;

    @Column(name = "closed_by")
    private String closedBy;

    @Column(name = "close_reason")
    private String closeReason;

    protected ImagingSession() {
    }

    public ImagingSession(String venueCode, Product product, Integer boardCount, Long imageId,
                          Collection<String> serials, Instant openedAt, String openedBy) {
        this.venueCode = venueCode;
        this.product = product;
        this.boardCount = boardCount;
        this.imageId = imageId;
        this.serials = serials == null || serials.isEmpty() ? null : String.join(" ", serials);
        this.openedAt = openedAt;
        this.openedBy = openedBy;
    }

    public void close(Instant at, String by, String reason) {
        this.closedAt = at;
        this.closedBy = by;
        this.closeReason = reason;
    }

    public boolean isOpen() {
        return closedAt == null;
    }

    /** The only boards it takes, in the order given; empty: any board. */
    public List<String> serialList() {
        return serials == null ? List.of() : Arrays.asList(serials.split(" "));
    }

    public Long getId() { return id; }
    public String getVenueCode() { return venueCode; }
    public Product getProduct() { return product; }
    public Integer getBoardCount() { return boardCount; }
    public Long getImageId() { return imageId; }
    public Instant getOpenedAt() { return openedAt; }
    public String getOpenedBy() { return openedBy; }
    public Instant getClosedAt() { return closedAt; }
    public String getClosedBy() { return closedBy; }
    public String getCloseReason() { return closeReason; }
}
