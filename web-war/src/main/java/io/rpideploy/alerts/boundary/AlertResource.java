package io.rpideploy.alerts.boundary;

import io.rpideploy.alerts.control.AlertRules;
import io.rpideploy.alerts.control.AlertService;
import io.rpideploy.platform.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

/** {@code /api/alerts}: seen by everyone logged in, acknowledged by operators. */
@Path("alerts")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Role.VIEWER_NAME)
public class AlertResource {

    @Inject
    AlertService alerts;

    /** {@code ?state=open} (default: the unacknowledged ones) or {@code all} (the latest, newest first). */
    @GET
    public Map<String, List<AlertView>> list(@QueryParam("state") String state) {
        return Map.of("alerts", (AlertRules.openOnly(state) ? alerts.open() : alerts.recent()).stream()
                .map(AlertView::of).toList());
    }

    @POST
    @Path("{id}/acknowledge")
    @RolesAllowed(Role.OPERATOR_NAME)
    public AlertView acknowledge(@PathParam("id") String id) {
        return AlertView.of(alerts.acknowledge(AlertRules.id(id)));
    }
}
