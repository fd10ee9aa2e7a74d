package io.rpideploy.alerts.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * Something an operator must see: it stays on the Dashboard until acknowledged. Its cause names what it is about
 * ({@code deployment 17}); there is never more than one unacknowledged alert per cause.
 */
@Entity
@Table(name = "alert")
public class Alert {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private AlertKind kind;

    @Column(nullable = false)
    private String cause;

    @Column(nullable = false)
    private String message;

    @Column(name = "raised_at", nullable = false)
    private Instant raisedAt;

    /** When a condition (disk, boot environment) went away again; null while it holds, and for events. */
    @Column(name = "cleared_at")
    private Instant clearedAt;

    @Column(name = "acknowledged_at")
    private Instant acknowledgedAt;

    @Column(name = "acknowledged_by")
    private String acknowledgedBy;

    protected Alert() {
    }

    public Alert(AlertKind kind, String cause, String message, Instant raisedAt) {
        this.kind = kind;
        this.cause = cause;
        this.message = message;
        this.raisedAt = raisedAt;
    }

    public void acknowledge(Instant at, String by) {
        this.acknowledgedAt = at;
        this.acknowledgedBy = by;
    }

    /** The condition went away ({@code at}) or came back (null), saying what it is now. */
    public void cleared(Instant at, String message) {
        this.clearedAt = at;
        if (message != null) {
            this.message = message;
        }
    }

    public boolean isAcknowledged() {
        return acknowledgedAt != null;
    }

    public Long getId() { return id; }
    public AlertKind getKind() { return kind; }
    public String getCause() { return cause; }
    public String getMessage() { return message; }
    public Instant getRaisedAt() { return raisedAt; }
    public Instant getClearedAt() { return clearedAt; }
    public Instant getAcknowledgedAt() { return acknowledgedAt; }
    public String getAcknowledgedBy() { return acknowledgedBy; }
}
