package io.rpideploy.deployments.control;

import io.rpideploy.deployments.control.DeploymentRules.Figures;
import io.rpideploy.platform.control.InstantConverter;
import io.rpideploy.platform.control.SerializedWrite;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Progress ticks (same state, new figures) wait here and reach the deployment row once a second, the latest per
 * deployment: 50 boards reporting every second cost 50 row updates in one transaction, not 50 transactions
 * competing for SQLite's single writer. A tick is telemetry: if the server dies, at most the last second of
 * figures is lost; states are never buffered. A tick whose deployment changed state meanwhile is dropped by the
 * flush (it updates only a row still in the tick's state).
 */
@ApplicationScoped
public class ProgressBuffer {

    /** Upper bound of one flush; what is left waits for the next second. */
    static final int MAX_PER_FLUSH = 5000;

    private final Map<Long, Tick> pending = new ConcurrentHashMap<>();

    @PersistenceContext
    EntityManager em;

    /** The latest figures of one deployment in one state. */
    public record Tick(long deploymentId, String state, Figures figures, String message, Instant at) {

        Tick after(Tick older) {
            if (!older.state.equals(state)) {
                return this;
            }
            return new Tick(deploymentId, state, figures.over(older.figures),
                    message != null ? message : older.message, at.isAfter(older.at) ? at : older.at);
        }
    }

    public void offer(Tick tick) {
        pending.merge(tick.deploymentId(), tick, (older, newer) -> newer.after(older));
    }

    /** Forgets what is waiting for a deployment whose state is changing (its row gets the new figures). */
    public void discard(long deploymentId) {
        pending.remove(deploymentId);
    }

    public boolean hasPending() {
        return !pending.isEmpty();
    }

    /** Writes what is waiting; returns how many deployment rows took new figures. */
    @SerializedWrite
    @Transactional
    public int flush() {
        List<Tick> ticks = new ArrayList<>();
        for (Long id : pending.keySet()) {
            if (ticks.size() >= MAX_PER_FLUSH) {
                break;
            }
            Tick tick = pending.remove(id);
            if (tick != null) {
                ticks.add(tick);
            }
        }
        int updated = 0;
        for (Tick tick : ticks) {
            String at = InstantConverter.format(tick.at());
            Figures f = tick.figures();
            updated += em.createNativeQuery("UPDATE deployment SET progress = COALESCE(?1, progress),"
                            + " bytes_written = COALESCE(?2, bytes_written), bytes_total = COALESCE(?3, bytes_total),"
                            + " rate_bps = COALESCE(?4, rate_bps), message = COALESCE(?5, message),"
                            + " last_seen_at = MAX(COALESCE(last_seen_at, ''), ?6), updated_at = ?6"
                            + " WHERE id = ?7 AND status = ?8")
                    .setParameter(1, f.progress()).setParameter(2, f.bytesWritten())
                    .setParameter(3, f.bytesTotal()).setParameter(4, f.rateBps())
                    .setParameter(5, tick.message()).setParameter(6, at)
                    .setParameter(7, tick.deploymentId()).setParameter(8, tick.state())
                    .executeUpdate();
        }
        return updated;
    }
}
