package io.rpideploy.deployments.control;

import io.rpideploy.deployments.control.DeploymentRules.Figures;
import io.rpideploy.deployments.entity.Deployment;
import io.rpideploy.hostnames.control.HostnameService;
import io.rpideploy.deployments.entity.DeploymentState;
import io.rpideploy.platform.control.InstantConverter;
import io.rpideploy.platform.control.SerializedWrite;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Marks a deployment {@code interrupted} when its board has been silent longer than
 * {@code rpideploy.deployment.watchdog-minutes} (a board lost power or its network), so the dashboard's active
 * count does not keep dead boards. A board that speaks again revives its deployment (see {@link DeploymentRules}).
 */
@ApplicationScoped
public class DeploymentWatchdog {

    /** Upper bound of one round; the rest waits for the next minute. */
    static final int MAX_PER_ROUND = 1000;

    @PersistenceContext
    EntityManager em;

    @Inject
    ProgressBuffer buffer;

    @Inject
    DeploymentTimeline timeline;

    @Inject
    HostnameService hostnames;

    @Inject
    @ConfigProperty(name = "rpideploy.deployment.watchdog-minutes",
            defaultValue = "" + DeploymentRules.DEFAULT_WATCHDOG_MINUTES)
    int minutes;

    private boolean everSucceeded(String hostname) {
        return ((Number) em.createNativeQuery("SELECT COUNT(*) FROM deployment WHERE hostname = ?1"
                + " AND status = 'success'").setParameter(1, hostname).getSingleResult()).longValue() > 0;
    }

    /** One round at {@code now}; returns how many deployments it interrupted. */
    @SerializedWrite
    @Transactional
    public int interruptSilent(Instant now) {
        buffer.flush(); // the last second's ticks count as the board speaking
        Duration limit = DeploymentRules.watchdogLimit(minutes);
        @SuppressWarnings("unchecked")
        List<Deployment> candidates = em.createNativeQuery("SELECT * FROM deployment"
                        + " WHERE status IN ('started', 'starting', 'downloading', 'verifying', 'customizing')"
                        + " AND last_seen_at <= ?1 ORDER BY id LIMIT " + MAX_PER_ROUND, Deployment.class)
                .setParameter(1, InstantConverter.format(now.minus(limit))).getResultList();
        int interrupted = 0;
        for (Deployment found : candidates) {
            Deployment d = em.find(Deployment.class, found.getId());
            if (DeploymentRules.silent(d.getState(), d.getLastSeenAt(), now, limit)) {
                boolean neverStarted = d.getState() == DeploymentState.STARTED;
                timeline.enter(d, DeploymentState.INTERRUPTED, "No report from the board for "
                        + limit.toMinutes() + " minutes", null, Figures.NONE, d.getIpAddress(), false);
                if (neverStarted && d.getHostname() != null && !everSucceeded(d.getHostname())) {
                    // a name handed out to a board that never began: back to the pool (invented serials drain none)
                    hostnames.releaseUnused(d.getHostname(), "no report after /api/config (deployment " + d.getId()
                            + ")");
                }
                interrupted++;
            }
        }
        return interrupted;
    }
}
