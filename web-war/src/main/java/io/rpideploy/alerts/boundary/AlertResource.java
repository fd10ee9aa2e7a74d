package io.rpideploy.alerts.boundary;

import io.rpideploy.alerts.control.AlertRules;
import io.rpideploy.alerts.control.AlertService;
import io.rpideploy.alerts.entity.AlertKind;
import io.rpideploy.platform.boundary.JsonInput;
import io.rpideploy.platform.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@code /api/alerts}: seen by everyone logged in, acknowledged (one, or all of a kind) by operators. */
@Path("alerts")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Role.VIEWER_NAME)
public class AlertResource {

    @Inject
    AlertService alerts;

    /**
     * {@code ?state=open} (default: the newest unacknowledged ones, with {@code more} left out and {@code by_kind}
     * counting all of them) or {@code all} (the latest whatever their state, with {@code more} older ones).
     */
    @GET
    public Map<String, Object> list(@QueryParam("state") String state) {
        if (AlertRules.openOnly(state)) {
            return openPage(alerts.open());
        }
        List<AlertView> recent = alerts.recent().stream().map(AlertView::of).toList();
        return Map.of("alerts", recent, "more", Math.max(0, alerts.count() - recent.size()));
    }

    /** The open alerts as the API and the Dashboard's page give them. */
    static Map<String, Object> openPage(AlertService.Open open) {
        Map<String, Long> byKind = new TreeMap<>();
        open.byKind().forEach((kind, n) -> byKind.put(kind.label(), n));
        return Map.of("alerts", open.alerts().stream().map(AlertView::of).toList(), "more", open.more(),
                "by_kind", byKind);
    }

    /** {@code {kind}}: every open alert of that kind acknowledged by the operator calling, audited once. */
    @POST
    @Path("acknowledge")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.OPERATOR_NAME)
    public Map<String, Object> acknowledgeAll(JsonValue body) {
        AlertKind kind = AlertRules.kind(JsonInput.of(body).string("kind"));
        return Map.of("kind", kind.label(), "acknowledged", alerts.acknowledgeAll(kind));
    }

    @POST
    @Path("{id}/acknowledge")
    @RolesAllowed(Role.OPERATOR_NAME)
    public AlertView acknowledge(@PathParam("id") String id) {
        return AlertView.of(alerts.acknowledge(AlertRules.id(id)));
    }
}
