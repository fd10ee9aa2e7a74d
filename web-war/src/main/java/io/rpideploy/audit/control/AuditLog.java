package io.rpideploy.audit.control;

import io.rpideploy.audit.entity.AuditEvent;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.platform.control.TimeRange;
import io.rpideploy.platform.control.InstantConverter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.Query;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.transaction.Transactional;
import java.security.Principal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Writes who changed what. Joins the caller's transaction, so a change and its audit line are stored together or
 * not at all.
 */
@ApplicationScoped
public class AuditLog {

    public static final String SYSTEM = "system";
    public static final int MAX_PAGE = 1000;

    /** Actions are written by the code as {@code feature.verb}; a filter of just {@code feature} takes them all. */
    private static final Pattern ACTION = Pattern.compile("[a-z][a-z0-9-]{0,31}(\\.[a-z0-9-]{1,31}){0,3}");
    /** Actors are user names, {@value #SYSTEM} or (failed logins) an address: printable, no spaces, bounded. */
    private static final Pattern ACTOR = Pattern.compile("[\\x21-\\x7e]{1,64}");
    /** The console's pick lists of actors and actions stop here: a longer list is typed, not picked. */
    private static final int MAX_CHOICES = 500;

    @PersistenceContext
    EntityManager em;

    // the servlet request's principal, not Jakarta Security's SecurityContext: same answer, and the latter costs a
    // failed JNDI lookup (an exception with a stack trace) per call, measurable on the assignment path
    @Inject
    HttpServletRequest request;

    @Inject
    Clock clock;

    @Transactional(Transactional.TxType.MANDATORY)
    public void record(String action, String target, String details) {
        record(currentActor(), action, target, details);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void record(String actor, String action, String target, String details) {
        em.persist(new AuditEvent(clock.instant(), actor, action, target, details));
    }

    /** Who made the last recorded change of this target and when ("admin at 2026-12-06 10:02:11Z"), or "someone". */
    public String lastChangeOf(String target) {
        return em.createQuery("SELECT e FROM AuditEvent e WHERE e.target = :target ORDER BY e.id DESC", AuditEvent.class)
                .setParameter("target", target).setMaxResults(1).getResultStream().findFirst()
                .map(e -> e.getActor() + " at " + e.getAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                .orElse("someone");
    }

    /** The logged-in user, or {@value #SYSTEM} when nobody is (start-up, deployment listener). */
    public String currentActor() {
        try {
            Principal caller = request.getUserPrincipal();
            return caller != null ? caller.getName() : SYSTEM;
        } catch (RuntimeException outsideRequest) {
            return SYSTEM;
        }
    }

    /**
     * What the log is searched by, each optional: the actor (exact), the action (exact, or every action of a
     * feature: {@code user} finds {@code user.create} and {@code user.role}), and a time range of days of the
     * server's time zone (both included) or ISO instants.
     */
    public record Filter(String actor, String action, String from, String to) {

        public static final Filter NONE = new Filter(null, null, null, null);
    }

    /** One page of events, newest first, and how many match in all. */
    public record Page(long total, int offset, int limit, List<AuditEvent> events) {
    }

    /** A page of the events that match, newest first (SQL LIMIT/OFFSET: the log only grows). */
    public Page search(Filter filter, int offset, int limit) {
        if (offset < 0) {
            throw DomainException.invalid("offset", "offset must be 0 or more");
        }
        checkLimit(limit);
        Where where = where(filter);
        long total = count(where);
        List<AuditEvent> events = total == 0 || offset >= total ? List.of() : list(where, null, offset, limit);
        return new Page(total, offset, limit, events);
    }

    /** How many events match; the filter is checked (a refusal names its field). */
    public long count(Filter filter) {
        return count(where(filter));
    }

    /** A page without the count, for a table that has just counted. */
    public List<AuditEvent> page(Filter filter, int offset, int limit) {
        checkLimit(limit);
        return list(where(filter), null, Math.max(0, offset), limit);
    }

    /**
     * The matching events older than {@code beforeId}, newest first: an export walks the log by id, so events
     * written meanwhile neither shift its pages nor appear twice.
     */
    public List<AuditEvent> before(Filter filter, long beforeId, int limit) {
        checkLimit(limit);
        return list(where(filter), beforeId, 0, limit);
    }

    /** The actors in the log, for the console's pick list. */
    public List<String> actors() {
        return distinct("actor");
    }

    /** The actions in the log, for the console's pick list. */
    public List<String> actions() {
        return distinct("action");
    }

    private List<String> distinct(String column) {
        @SuppressWarnings("unchecked")
        List<Object> values = em.createNativeQuery("SELECT DISTINCT " + column + " FROM audit_event ORDER BY "
                + column + " LIMIT " + MAX_CHOICES).getResultList();
        return values.stream().map(String::valueOf).toList();
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw DomainException.invalid("limit", "limit must be 1.." + MAX_PAGE);
        }
    }

    /** A WHERE clause with numbered parameters, built only from checked input. */
    private record Where(String sql, List<Object> values) {
    }

    private static Where where(Filter filter) {
        StringBuilder sql = new StringBuilder(" WHERE 1 = 1");
        List<Object> values = new ArrayList<>();
        if (present(filter.actor())) {
            String actor = filter.actor().trim();
            if (!ACTOR.matcher(actor).matches()) {
                throw DomainException.invalid("actor", "actor must be a user name or address of 1..64 printable"
                        + " characters without spaces");
            }
            values.add(actor);
            sql.append(" AND actor = ?").append(values.size());
        }
        if (present(filter.action())) {
            String action = filter.action().trim();
            if (!ACTION.matcher(action).matches()) {
                throw DomainException.invalid("action", "action must look like venue.update or venue (lower case"
                        + " letters, digits, '-' and '.')");
            }
            values.add(action);
            values.add(action + ".%"); // the pattern allows no % or _ of its own
            sql.append(" AND (action = ?").append(values.size() - 1).append(" OR action LIKE ?")
                    .append(values.size()).append(')');
        }
        TimeRange range = TimeRange.of(filter.from(), filter.to());
        Instant from = range.from();
        Instant to = range.to();
        if (from != null) {
            values.add(InstantConverter.format(from));
            sql.append(" AND at >= ?").append(values.size());
        }
        if (to != null) {
            values.add(InstantConverter.format(to));
            sql.append(" AND at < ?").append(values.size());
        }
        return new Where(sql.toString(), values);
    }

    private long count(Where where) {
        return ((Number) bind(em.createNativeQuery("SELECT COUNT(*) FROM audit_event" + where.sql()), where.values())
                .getSingleResult()).longValue();
    }

    @SuppressWarnings("unchecked")
    private List<AuditEvent> list(Where where, Long beforeId, int offset, int limit) {
        List<Object> values = new ArrayList<>(where.values());
        String sql = "SELECT * FROM audit_event" + where.sql();
        if (beforeId != null) {
            values.add(beforeId);
            sql += " AND id < ?" + values.size();
        }
        return bind(em.createNativeQuery(sql + " ORDER BY id DESC LIMIT " + limit + " OFFSET " + offset,
                AuditEvent.class), values).getResultList();
    }

    private static Query bind(Query query, List<Object> values) {
        for (int i = 0; i < values.size(); i++) {
            query.setParameter(i + 1, values.get(i));
        }
        return query;
    }

    private static boolean present(String text) {
        return text != null && !text.isBlank();
    }
}
