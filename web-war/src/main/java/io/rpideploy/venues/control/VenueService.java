package io.rpideploy.venues.control;

import io.rpideploy.audit.control.AuditLog;
import io.rpideploy.hostnames.control.HostnameRules;
import io.rpideploy.hostnames.entity.HostnameSlot;
import io.rpideploy.hostnames.entity.SlotStatus;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.platform.control.SerializedWrite;
import io.rpideploy.venues.entity.Venue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Venues: create, change, delete, and their pool and deployment statistics. */
@ApplicationScoped
public class VenueService {

    @PersistenceContext
    EntityManager em;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    public List<Venue> list() {
        return em.createNamedQuery(Venue.ALL, Venue.class).getResultList();
    }

    public Optional<Venue> find(String code) {
        return em.createNamedQuery(Venue.BY_CODE, Venue.class).setParameter("code", code)
                .getResultStream().findFirst();
    }

    /** The venue of that code; a clear 404 when there is none. */
    public Venue require(String codeText) {
        String code = HostnameRules.venueCode(codeText, "venue_code");
        return find(code).orElseThrow(() -> DomainException.notFound("Venue " + code + " does not exist"));
    }

    @SerializedWrite
    @Transactional
    public Venue create(String codeText, String nameText, String locationText, String emailText) {
        String code = HostnameRules.venueCode(codeText, "code");
        String name = VenueRules.name(nameText);
        String location = VenueRules.location(locationText);
        String email = VenueRules.contactEmail(emailText);
        if (find(code).isPresent()) {
            throw DomainException.conflict("code", "Venue " + code + " already exists");
        }
        Venue venue = new Venue(code, name, location, email, clock.instant());
        em.persist(venue);
        audit.record("venue.create", code, name);
        return venue;
    }

    @SerializedWrite
    @Transactional
    public Venue update(String codeText, String nameText, String locationText, String emailText) {
        Venue venue = require(codeText);
        venue.setName(VenueRules.name(nameText));
        venue.setLocation(VenueRules.location(locationText));
        venue.setContactEmail(VenueRules.contactEmail(emailText));
        audit.record("venue.update", venue.getCode(), venue.getName());
        return venue;
    }

    /** Deletes a venue and its unused slots; refused while any of its hostnames is assigned to a board. */
    @SerializedWrite
    @Transactional
    public void delete(String codeText) {
        Venue venue = require(codeText);
        long assigned = em.createQuery("SELECT COUNT(s) FROM HostnameSlot s WHERE s.venue = :venue AND s.status = "
                        + "io.rpideploy.hostnames.entity.SlotStatus.ASSIGNED", Long.class)
                .setParameter("venue", venue).getSingleResult();
        if (assigned > 0) {
            throw DomainException.conflict("Venue " + venue.getCode() + " still has " + assigned
                    + " assigned hostnames: release or retire them first");
        }
        int slots = em.createQuery("DELETE FROM HostnameSlot s WHERE s.venue = :venue")
                .setParameter("venue", venue).executeUpdate();
        em.remove(venue);
        audit.record("venue.delete", venue.getCode(), slots + " unused slots removed");
    }

    /** The plan's per-venue statistics: pool counts and successful deployments. */
    public VenueStats stats(String codeText) {
        Venue venue = require(codeText);
        Map<SlotStatus, Long> counts = new EnumMap<>(SlotStatus.class);
        for (SlotStatus status : SlotStatus.values()) {
            counts.put(status, 0L);
        }
        for (Object[] row : em.createNamedQuery(HostnameSlot.COUNT_BY_STATUS, Object[].class)
                .setParameter("venue", venue).getResultList()) {
            counts.put((SlotStatus) row[0], (Long) row[1]);
        }
        Object[] deployments = em.createQuery("SELECT COUNT(d), MAX(d.completedAt) FROM Deployment d"
                        + " WHERE d.venueCode = :code AND d.status = 'success'", Object[].class)
                .setParameter("code", venue.getCode()).getSingleResult();
        long total = deployments[0] == null ? 0 : ((Number) deployments[0]).longValue();
        Instant last = deployments[1] instanceof Instant instant ? instant
                : deployments[1] instanceof String text ? Instant.parse(text) : null;
        return new VenueStats(venue.getCode(), counts.get(SlotStatus.AVAILABLE), counts.get(SlotStatus.ASSIGNED),
                counts.get(SlotStatus.RETIRED), total, last);
    }

    /** Counts of one venue, named as in the plan's get_venue_statistics. */
    public record VenueStats(String venueCode, long available, long assigned, long retired, long totalDeployments,
                             Instant lastDeployment) {
    }
}
