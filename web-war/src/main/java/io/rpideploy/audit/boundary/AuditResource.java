package io.rpideploy.audit.boundary;

import io.rpideploy.audit.control.AuditLog;
import io.rpideploy.audit.control.AuditLog.Filter;
import io.rpideploy.audit.control.AuditLog.Page;
import io.rpideploy.audit.entity.AuditEvent;
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

/**
 * {@code GET /api/audit}: who changed what and when, newest first, filtered by actor, action (or a feature's
 * actions) and time range, one page at a time.
 */
@Path("audit")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Role.OPERATOR_NAME)
public class AuditResource {

    @Inject
    AuditLog audit;

    @GET
    public PageView search(@QueryParam("actor") String actor, @QueryParam("action") String action,
                           @QueryParam("from") String from, @QueryParam("to") String to,
                           @QueryParam("offset") @DefaultValue("0") int offset,
                           @QueryParam("limit") @DefaultValue("100") int limit) {
        Page page = audit.search(new Filter(actor, action, from, to), offset, limit);
        return new PageView(page.total(), page.offset(), page.limit(),
                page.events().stream().map(EventView::of).toList());
    }

    /** One page of the log, newest first, and how many events match in all. */
    public record PageView(long total, int offset, int limit, List<EventView> events) {
    }

    /** One audit line as the API shows it. */
    public record EventView(long id, Instant at, String actor, String action, String target, String details) {
        static EventView of(AuditEvent e) {
            return new EventView(e.getId(), e.getAt(), e.getActor(), e.getAction(), e.getTarget(), e.getDetails());
        }
    }
}
