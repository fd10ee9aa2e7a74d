package io.rpideploy.audit.control;

import io.rpideploy.audit.entity.AuditEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.transaction.Transactional;
import java.security.Principal;
import java.time.Clock;
import java.util.List;

/**
 * Writes who changed what. Joins the caller's transaction, so a change and its audit line are stored together or
 * not at all.
 */
@ApplicationScoped
public class AuditLog {

    public static final String SYSTEM = "system";

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

    /** The logged-in user, or {@value #SYSTEM} when nobody is (start-up, deployment listener). */
    public String currentActor() {
        try {
            Principal caller = request.getUserPrincipal();
            return caller != null ? caller.getName() : SYSTEM;
        } catch (RuntimeException outsideRequest) {
            return SYSTEM;
        }
    }

    public List<AuditEvent> latest(int max) {
        return em.createQuery("SELECT a FROM AuditEvent a ORDER BY a.id DESC", AuditEvent.class)
                .setMaxResults(max).getResultList();
    }
}
