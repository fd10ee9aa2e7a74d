package io.rpideploy.deployments.control;

import io.rpideploy.deployments.entity.Deployment;
import io.rpideploy.deployments.entity.DeploymentEvent;
import io.rpideploy.deployments.entity.DeploymentState;
import io.rpideploy.hostnames.control.HostnameRules;
import io.rpideploy.netboot.api.SerialNumber;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.platform.control.TimeRange;
import io.rpideploy.platform.control.InstantConverter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.Query;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The deployment history for the management side: filtered, paged lists (newest first) and one deployment with
 * its timeline. Every filter is an indexed column (V3 migration); pages are SQL LIMIT/OFFSET, so a page costs the
 * same over 100k rows as over 100.
 */
@ApplicationScoped
public class DeploymentHistory {

    public static final int MAX_PAGE = 1000;

    @PersistenceContext
    EntityManager em;

    /** The filters as sent (each optional); dates are days of the server's time zone or ISO instants. */
    public record Filter(String venueCode, String productType, String status, String from, String to,
                         String serial, String hostname) {
    }

    /** One page of deployments and how many match in all. */
    public record Page(long total, int offset, int limit, List<Deployment> deployments) {
    }

    public Page search(Filter filter, int offset, int limit) {
        if (offset < 0) {
            throw DomainException.invalid("offset", "offset must be 0 or more");
        }
        if (limit < 1 || limit > MAX_PAGE) {
            throw DomainException.invalid("limit", "limit must be 1.." + MAX_PAGE);
        }
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> values = new ArrayList<>();
        if (present(filter.venueCode())) {
            condition(where, values, "venue_code = ?", HostnameRules.venueCode(filter.venueCode(), "venue_code"));
        }
        if (present(filter.productType())) {
            condition(where, values, "product_type = ?",
                    HostnameRules.product(filter.productType(), "product_type").name());
        }
        if (present(filter.status())) {
            condition(where, values, "status = ?", DeploymentState.parse(filter.status()).orElseThrow(() ->
                    DomainException.invalid("status", "Unknown status '" + filter.status().trim() + "'")).value());
        }
        TimeRange range = TimeRange.of(filter.from(), filter.to());
        Instant from = range.from();
        Instant to = range.to();
        if (from != null) {
            condition(where, values, "started_at >= ?", InstantConverter.format(from));
        }
        if (to != null) {
            condition(where, values, "started_at < ?", InstantConverter.format(to));
        }
        if (present(filter.serial())) {
            SerialNumber serial = DeploymentRules.serial(filter.serial(), "serial");
            if (serial != null) {
                condition(where, values, "serial_number = ?", serial.value());
            }
        }
        if (present(filter.hostname())) {
            condition(where, values, "hostname = ?", DeploymentRules.hostname(filter.hostname()));
        }
        long total = ((Number) bind(em.createNativeQuery("SELECT COUNT(*) FROM deployment" + where), values)
                .getSingleResult()).longValue();
        @SuppressWarnings("unchecked")
        List<Deployment> page = total == 0 ? List.of() : bind(em.createNativeQuery("SELECT * FROM deployment"
                + where + " ORDER BY id DESC LIMIT " + limit + " OFFSET " + offset, Deployment.class), values)
                .getResultList();
        return new Page(total, offset, limit, page);
    }

    /** The latest deployment of each board an imaging session named, newest first. */
    @SuppressWarnings("unchecked")
    public List<Deployment> ofSession(long sessionId) {
        return em.createNativeQuery("SELECT * FROM deployment WHERE id IN (SELECT MAX(id) FROM deployment"
                        + " WHERE session_id = ?1 GROUP BY hostname) ORDER BY id DESC LIMIT " + MAX_PAGE,
                Deployment.class).setParameter(1, sessionId).getResultList();
    }

    public Deployment require(long id) {
        Deployment d = em.find(Deployment.class, id);
        if (d == null) {
            throw DomainException.notFound("No deployment " + id);
        }
        return d;
    }

    /** The states the deployment went through, in order. */
    public List<DeploymentEvent> timeline(long id) {
        return em.createNamedQuery(DeploymentEvent.TIMELINE, DeploymentEvent.class).setParameter("deployment", id)
                .getResultList();
    }

    private static boolean present(String text) {
        return text != null && !text.isBlank();
    }

    private static void condition(StringBuilder where, List<Object> values, String sql, Object value) {
        values.add(value);
        where.append(" AND ").append(sql.replace("?", "?" + values.size()));
    }

    private static Query bind(Query query, List<Object> values) {
        for (int i = 0; i < values.size(); i++) {
            query.setParameter(i + 1, values.get(i));
        }
        return query;
    }
}
