package io.rpideploy.deployments.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.Instant;

/** One state a deployment entered, with when and the board's figures at that moment: the board's timeline. */
@Entity
@Table(name = "deployment_event")
@NamedQuery(name = DeploymentEvent.TIMELINE, query = "SELECT e FROM DeploymentEvent e"
        + " WHERE e.deploymentId = :deployment ORDER BY e.at, e.id")
public class DeploymentEvent {

    public static final String TIMELINE = "DeploymentEvent.timeline";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "deployment_id", nullable = false)
    private Long deploymentId;

    @Column(nullable = false)
    private String state;

    @Column(nullable = false)
    private Instant at;

    private String message;

    private Integer progress;

    @Column(name = "bytes_written")
    private Long bytesWritten;

    @Column(name = "bytes_total")
    private Long bytesTotal;

    @Column(name = "rate_bps")
    private Long rateBps;

    protected DeploymentEvent() {
    }

    /** The deployment's state and figures as they are now, with what happened in words. */
    public DeploymentEvent(Deployment deployment, Instant at, String message) {
        this.deploymentId = deployment.getId();
        this.state = deployment.getStatus();
        this.at = at;
        this.message = message;
        this.progress = deployment.getProgress();
        this.bytesWritten = deployment.getBytesWritten();
        this.bytesTotal = deployment.getBytesTotal();
        this.rateBps = deployment.getRateBps();
    }

    public Long getId() { return id; }
    public Long getDeploymentId() { return deploymentId; }
    public String getState() { return state; }
    public Instant getAt() { return at; }
    public String getMessage() { return message; }
    public Integer getProgress() { return progress; }
    public Long getBytesWritten() { return bytesWritten; }
    public Long getBytesTotal() { return bytesTotal; }
    public Long getRateBps() { return rateBps; }
}
