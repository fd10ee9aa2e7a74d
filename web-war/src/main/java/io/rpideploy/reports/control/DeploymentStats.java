package io.rpideploy.reports.control;

import io.rpideploy.platform.control.InstantConverter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

/** The dashboard's figures (the plan's {@code /api/stats}), counted in the database, never kept in memory. */
@ApplicationScoped
public class DeploymentStats {

    /** States of a deployment still under way. */
    static final List<String> ACTIVE = List.of("started", "starting", "downloading", "verifying", "customizing");

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    public Summary summary() {
        // "today" is the server's local day, as an operator at the venue reads it
        String startOfDay = InstantConverter.format(LocalDate.now(clock.withZone(ZoneId.systemDefault()))
                .atStartOfDay(ZoneId.systemDefault()).toInstant());
        long active = em.createQuery("SELECT COUNT(d) FROM Deployment d WHERE d.status IN :active", Long.class)
                .setParameter("active", ACTIVE).getSingleResult();
        long completed = countSince("success", startOfDay);
        long failed = countSince("failed", startOfDay);
        long devices = em.createQuery("SELECT COUNT(d) FROM Device d", Long.class).getSingleResult();
        long venues = em.createQuery("SELECT COUNT(v) FROM Venue v", Long.class).getSingleResult();
        long assigned = em.createQuery("SELECT COUNT(s) FROM HostnameSlot s WHERE s.status = "
                + "io.rpideploy.hostnames.entity.SlotStatus.ASSIGNED", Long.class).getSingleResult();
        long available = em.createQuery("SELECT COUNT(s) FROM HostnameSlot s WHERE s.status = "
                + "io.rpideploy.hostnames.entity.SlotStatus.AVAILABLE", Long.class).getSingleResult();
        return new Summary(active, completed, failed, devices, venues, assigned, available);
    }

    private long countSince(String status, String since) {
        // completed_at is fixed-width UTC text, so a text comparison is a time comparison
        return ((Number) em.createNativeQuery("SELECT COUNT(*) FROM deployment WHERE status = ?1 AND completed_at >= ?2")
                .setParameter(1, status).setParameter(2, since).getSingleResult()).longValue();
    }

    /** The plan's four figures first, then pool totals. */
    public record Summary(long activeDeployments, long completedToday, long failedToday, long totalDevices,
                          long venues, long hostnamesAssigned, long hostnamesAvailable) {
    }
}
