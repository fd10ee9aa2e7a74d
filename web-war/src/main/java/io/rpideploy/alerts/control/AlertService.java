package io.rpideploy.alerts.control;

import io.rpideploy.alerts.control.AlertChanged.Change;
import io.rpideploy.alerts.control.AlertRules.Latest;
import io.rpideploy.alerts.control.AlertRules.Step;
import io.rpideploy.alerts.entity.Alert;
import io.rpideploy.alerts.entity.AlertKind;
import io.rpideploy.audit.control.AuditLog;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.platform.control.SerializedWrite;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Raises, clears and acknowledges alerts. Alerts are rows, so they survive a restart; raising and clearing are the
 * system's doing, an acknowledgement is an operator's and is audited. Raising runs in a transaction of its own: it is
 * called after another change committed (a board's report), and an alert that cannot be stored must not undo it.
 */
@ApplicationScoped
public class AlertService {

    /** How many alerts {@code state=all} lists, newest first. */
    public static final int MAX_LISTED = 200;
    /**
     * How many unacknowledged alerts are listed (the API, the Dashboard's page), newest first: failed boards report
     * through the unauthenticated deployment API, one alert each, so the open ones have no natural bound.
     */
    public static final int MAX_OPEN = 100;

    /** The newest unacknowledged alerts, how many there are in all and of each kind. */
    public record Open(List<Alert> alerts, long total, Map<AlertKind, Long> byKind) {

        /** How many were left out of {@link #alerts}. */
        public long more() {
            return Math.max(0, total - alerts.size());
        }
    }

    @PersistenceContext
    EntityManager em;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Inject
    Event<AlertChanged> changes;

    @Inject
    Event<AlertChanged.AllAcknowledged> allAcknowledged;

    /** An event happened: a new alert unless one about the same cause is still unacknowledged. */
    @SerializedWrite
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<Alert> raise(AlertKind kind, String cause, String message) {
        Optional<Alert> latest = latest(cause);
        if (AlertRules.event(latest.map(AlertService::state).orElse(null)) != Step.RAISE) {
            return Optional.empty();
        }
        return Optional.of(create(kind, cause, message));
    }

    /** A condition was checked: raised when it starts, marked when it ends (see {@link AlertRules#condition}). */
    @SerializedWrite
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void condition(AlertKind kind, String cause, boolean holds, String message) {
        Optional<Alert> latest = latest(cause);
        switch (AlertRules.condition(latest.map(AlertService::state).orElse(null), holds)) {
            case RAISE -> create(kind, cause, message);
            case REOPEN -> {
                latest.get().cleared(null, message);
                changes.fire(new AlertChanged(Change.UPDATED, latest.get()));
            }
            case CLEAR -> {
                latest.get().cleared(clock.instant(), null);
                changes.fire(new AlertChanged(Change.UPDATED, latest.get()));
            }
            case NONE -> {
                // nothing new
            }
        }
    }

    /** Quicker than {@link #condition} when nothing changes: a condition that holds still needs no write. */
    public boolean settled(String cause, boolean holds) {
        return AlertRules.condition(latest(cause).map(AlertService::state).orElse(null), holds) == Step.NONE;
    }

    /** The operator calling acknowledges an alert: who and when are stored and audited. */
    @SerializedWrite
    @Transactional
    public Alert acknowledge(long id) {
        Alert alert = em.find(Alert.class, id);
        if (alert == null) {
            throw DomainException.notFound("Alert " + id + " does not exist");
        }
        AlertRules.requireOpen(id, alert.getAcknowledgedAt(), alert.getAcknowledgedBy());
        String actor = audit.currentActor();
        alert.acknowledge(clock.instant(), actor);
        audit.record(actor, "alert.acknowledge", "alert " + id, alert.getKind().label() + ": " + alert.getMessage());
        changes.fire(new AlertChanged(Change.ACKNOWLEDGED, alert));
        return alert;
    }

    /**
     * The operator calling acknowledges every open alert of a kind (a bad day's failed boards): one audit entry and
     * one live message with the count, however many there were. Returns how many.
     */
    @SerializedWrite
    @Transactional
    public int acknowledgeAll(AlertKind kind) {
        List<Alert> open = em.createQuery("SELECT a FROM Alert a WHERE a.acknowledgedAt IS NULL AND a.kind = :kind"
                + " ORDER BY a.id", Alert.class).setParameter("kind", kind).getResultList();
        if (open.isEmpty()) {
            return 0;
        }
        String actor = audit.currentActor();
        var now = clock.instant();
        for (Alert alert : open) {
            alert.acknowledge(now, actor);
        }
        allAcknowledged.fire(new AlertChanged.AllAcknowledged(kind, open.size()));
        audit.record(actor, "alert.acknowledge-all", "alerts " + kind.label(), open.size() + " open "
                + kind.label() + " alert" + (open.size() == 1 ? "" : "s") + " acknowledged");
        return open.size();
    }

    /** The newest {@link #MAX_OPEN} unacknowledged alerts, newest first, with the counts of all of them. */
    public Open open() {
        List<Alert> alerts = em.createQuery("SELECT a FROM Alert a WHERE a.acknowledgedAt IS NULL ORDER BY a.id DESC",
                Alert.class).setMaxResults(MAX_OPEN).getResultList();
        Map<AlertKind, Long> byKind = new EnumMap<>(AlertKind.class);
        long total = 0;
        for (Object[] row : em.createQuery("SELECT a.kind, COUNT(a) FROM Alert a WHERE a.acknowledgedAt IS NULL"
                + " GROUP BY a.kind", Object[].class).getResultList()) {
            long n = ((Number) row[1]).longValue();
            byKind.put((AlertKind) row[0], n);
            total += n;
        }
        return new Open(alerts, Math.max(total, alerts.size()), byKind);
    }

    /** The latest alerts whatever their state, newest first. */
    public List<Alert> recent() {
        return em.createQuery("SELECT a FROM Alert a ORDER BY a.id DESC", Alert.class).setMaxResults(MAX_LISTED)
                .getResultList();
    }

    /** All alerts stored, whatever their state. */
    public long count() {
        return em.createQuery("SELECT COUNT(a) FROM Alert a", Long.class).getSingleResult();
    }

    private Alert create(AlertKind kind, String cause, String message) {
        Alert alert = new Alert(kind, cause, message, clock.instant());
        em.persist(alert);
        em.flush(); // the id, for the live message
        changes.fire(new AlertChanged(Change.RAISED, alert));
        return alert;
    }

    private Optional<Alert> latest(String cause) {
        return em.createQuery("SELECT a FROM Alert a WHERE a.cause = :cause ORDER BY a.id DESC", Alert.class)
                .setParameter("cause", cause).setMaxResults(1).getResultStream().findFirst();
    }

    private static Latest state(Alert alert) {
        return new Latest(alert.isAcknowledged(), alert.getClearedAt() != null);
    }
}
