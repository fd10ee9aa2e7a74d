package io.rpideploy.audit.boundary;

import io.rpideploy.audit.control.AuditLog;
import io.rpideploy.audit.entity.AuditEvent;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.platform.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** {@code GET /api/audit}: the latest changes, newest first (who, what, when). */
@Path("audit")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Role.OPERATOR_NAME)
public class AuditResource {

    static final int MAX = 1000;

    @Inject
    AuditLog audit;

    @GET
    public Map<String, List<EventView>> latest(@QueryParam("limit") @DefaultValue("100") int limit) {
        if (limit < 1 || limit > MAX) {
            throw DomainException.invalid("limit", "limit must be 1.." + MAX);
        }
        return Map.of("events", audit.latest(limit).stream().map(EventView::of).toList());
    }

    /** One audit line as the API shows it. */
    public record EventView(long id, Instant at, String actor, String action, String target, String details) {
        static EventView of(AuditEvent e) {
            return new EventView(e.getId(), e.getAt(), e.getActor(), e.getAction(), e.getTarget(), e.getDetails());
        }
    }
}
