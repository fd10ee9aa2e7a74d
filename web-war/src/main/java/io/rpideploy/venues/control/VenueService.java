package io.rpideploy.venues.control;

import io.rpideploy.audit.control.AuditLog;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.platform.control.Revisions;
import io.rpideploy.platform.control.SerializedWrite;
import io.rpideploy.venues.entity.Venue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.util.ArrayList;
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

    @Inject
    Event<VenueRemoving> removingEvents;

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
        String code = VenueRules.code(codeText, "venue_code");
        return find(code).orElseThrow(() -> DomainException.notFound("Venue " + code + " does not exist"));
    }

    @SerializedWrite
    @Transactional
    public Venue create(String codeText, String nameText, String locationText, String emailText) {
        String code = VenueRules.code(codeText, "code");
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
        return update(codeText, null, nameText, locationText, emailText);
    }

    /** The same, refused (412) when the venue is no longer at {@code expectedVersion} (null: any). */
    @SerializedWrite
    @Transactional
    public Venue update(String codeText, Long expectedVersion, String nameText, String locationText,
                        String emailText) {
        Venue venue = require(codeText);
        Revisions.require(venue.getVersion(), expectedVersion, "Venue " + venue.getCode(),
                audit.lastChangeOf(venue.getCode()));
        venue.setName(VenueRules.name(nameText));
        venue.setLocation(VenueRules.location(locationText));
        venue.setContactEmail(VenueRules.contactEmail(emailText));
        audit.record("venue.update", venue.getCode(), venue.getName());
        return venue;
    }

    /** Deletes a venue; what other features hold of it goes with it, or they refuse (e.g. assigned hostnames). */
    @SerializedWrite
    @Transactional
    public void delete(String codeText) {
        delete(codeText, null);
    }

    @SerializedWrite
    @Transactional
    public void delete(String codeText, Long expectedVersion) {
        Venue venue = require(codeText);
        Revisions.require(venue.getVersion(), expectedVersion, "Venue " + venue.getCode(),
                audit.lastChangeOf(venue.getCode()));
        VenueRemoving removing = new VenueRemoving(venue, new ArrayList<>());
        removingEvents.fire(removing);
        em.remove(venue);
        audit.record("venue.delete", venue.getCode(), removing.removed().isEmpty() ? ""
                : String.join(", ", removing.removed()) + " removed");
    }
}
