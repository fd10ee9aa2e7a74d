package io.rpideploy.sessions.control;

import io.rpideploy.platform.control.Counts;
import io.rpideploy.audit.control.AuditLog;
import io.rpideploy.deployments.control.SessionPlans;
import io.rpideploy.hostnames.control.HostnameRules;
import io.rpideploy.hostnames.entity.Product;
import io.rpideploy.images.control.ImageRegistry;
import io.rpideploy.images.entity.MasterImage;
import io.rpideploy.netboot.api.SerialNumber;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.platform.control.SerializedWrite;
import io.rpideploy.sessions.control.SessionRules.Candidate;
import io.rpideploy.sessions.entity.ImagingSession;
import io.rpideploy.venues.control.VenueService;
import io.rpideploy.venues.entity.Venue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Opens and closes imaging sessions, and tells /api/config which open session a board is imaged for. Sessions are
 * rows, so they survive a restart; every open and close is in the audit log.
 */
@ApplicationScoped
public class SessionService implements SessionPlans {

    /** How many closed sessions the list shows besides the open ones. */
    public static final int RECENT = 20;

    @PersistenceContext
    EntityManager em;

    @Inject
    VenueService venues;

    @Inject
    ImageRegistry images;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    /**
     * Opens a session. The venue must exist, the image (optional) must be one of the product's, the count is
     * 1..999 or null for "until closed", the serials (optional) are the only boards it takes.
     */
    @SerializedWrite
    @Transactional
    public ImagingSession open(String venueText, String productText, Long count, Long imageId,
                               List<String> serialItems) {
        String code = HostnameRules.venueCode(venueText, "venue_code");
        Product product = HostnameRules.product(productText, "product_type");
        Integer boards = SessionRules.count(count);
        List<String> serials = SessionRules.serials(serialItems == null ? List.of() : serialItems);
        Venue venue = venues.find(code).orElseThrow(() -> new DomainException(DomainException.Kind.NOT_FOUND,
                "venue_code", "Venue " + code + " does not exist"));
        MasterImage image = imageId == null ? null : image(imageId);
        if (image != null && image.getProduct() != product) {
            throw DomainException.conflict("image_id", "Image " + imageId + " (" + image.getFilename() + ") is a "
                    + image.getProduct() + " image, not " + product);
        }
        ImagingSession session = new ImagingSession(venue.getCode(), product, boards, imageId, serials,
                clock.instant(), audit.currentActor());
        em.persist(session);
        em.flush(); // the id, for the audit line
        audit.record("session.open", "session " + session.getId(), describe(session, image));
        return session;
    }

    private MasterImage image(long id) {
        try {
            return images.require(id);
        } catch (DomainException missing) {
            throw new DomainException(DomainException.Kind.NOT_FOUND, "image_id", missing.getMessage());
        }
    }

    private static String describe(ImagingSession s, MasterImage image) {
        return s.getVenueCode() + " " + s.getProduct() + ", " + (s.getBoardCount() == null ? "until closed"
                : Counts.of(s.getBoardCount(), "board")) + (image == null ? ", active image" : ", image " + image.getFilename()
                + " v" + image.getVersion()) + (s.serialList().isEmpty() ? "" : ", only " + s.serialList().size()
                + " listed boards");
    }

    /** Closes an open session; boards asking afterwards go to another open session or the configured defaults. */
    @SerializedWrite
    @Transactional
    public ImagingSession close(long id) {
        ImagingSession session = require(id);
        if (!session.isOpen()) {
            throw DomainException.conflict("Session " + id + " was already closed at " + session.getClosedAt()
                    + " by " + session.getClosedBy());
        }
        String actor = audit.currentActor();
        session.close(clock.instant(), actor, "closed by " + actor);
        audit.record(actor, "session.close", "session " + id, Counts.of(named(session), "board") + " named");
        return session;
    }

    public ImagingSession require(long id) {
        ImagingSession session = em.find(ImagingSession.class, id);
        if (session == null) {
            throw DomainException.notFound("Session " + id + " does not exist");
        }
        return session;
    }

    /** The open sessions, oldest first. */
    public List<ImagingSession> openSessions() {
        return em.createQuery("SELECT s FROM ImagingSession s WHERE s.closedAt IS NULL ORDER BY s.openedAt, s.id",
                ImagingSession.class).getResultList();
    }

    /** The most recently closed sessions, newest first. */
    public List<ImagingSession> recentlyClosed() {
        return em.createQuery("SELECT s FROM ImagingSession s WHERE s.closedAt IS NOT NULL"
                + " ORDER BY s.closedAt DESC, s.id DESC", ImagingSession.class).setMaxResults(RECENT).getResultList();
    }

    /** How many names a session has handed out: one per hostname, however often its board asked. */
    public long named(ImagingSession session) {
        return ((Number) em.createNativeQuery("SELECT COUNT(DISTINCT hostname) FROM deployment WHERE session_id = ?1")
                .setParameter(1, session.getId()).getSingleResult()).longValue();
    }

    /** {@link #named(ImagingSession)} of several sessions in one query. */
    public Map<Long, Long> named(List<ImagingSession> sessions) {
        Map<Long, Long> counts = new HashMap<>();
        if (sessions.isEmpty()) {
            return counts;
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT session_id, COUNT(DISTINCT hostname) FROM deployment"
                + " WHERE session_id IS NOT NULL GROUP BY session_id").getResultList();
        for (Object[] row : rows) {
            counts.put(((Number) row[0]).longValue(), ((Number) row[1]).longValue());
        }
        return counts;
    }

    @Override
    public Optional<Plan> planFor(Product product, String venueCode, SerialNumber serial) {
        List<ImagingSession> open = openSessions();
        if (open.isEmpty()) {
            return Optional.empty();
        }
        Map<Long, ImagingSession> byId = new HashMap<>();
        List<Candidate> candidates = open.stream().map(s -> {
            byId.put(s.getId(), s);
            return new Candidate(s.getId(), s.getProduct(), s.getVenueCode(), s.serialList());
        }).toList();
        return SessionRules.select(candidates, product, venueCode, serial).map(c -> byId.get(c.id()))
                .map(s -> new Plan(s.getId(), s.getProduct(), s.getVenueCode(), s.getImageId()));
    }

    @Override
    @Transactional(Transactional.TxType.MANDATORY)
    public void named(long sessionId) {
        em.flush(); // the deployment just recorded is counted
        ImagingSession session = require(sessionId);
        long named = named(session);
        if (session.isOpen() && SessionRules.countReached(session.getBoardCount(), named)) {
            session.close(clock.instant(), AuditLog.SYSTEM, "all " + named + " boards named");
            audit.record(AuditLog.SYSTEM, "session.close", "session " + sessionId, "all " + named
                    + " boards named");
        }
    }
}
