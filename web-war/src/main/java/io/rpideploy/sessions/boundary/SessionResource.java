package io.rpideploy.sessions.boundary;

import io.rpideploy.deployments.boundary.DeploymentResource.DeploymentView;
import io.rpideploy.deployments.control.DeploymentHistory;
import io.rpideploy.platform.boundary.JsonInput;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.platform.entity.Role;
import io.rpideploy.sessions.control.SessionRules;
import io.rpideploy.sessions.control.SessionService;
import io.rpideploy.sessions.entity.ImagingSession;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code /api/sessions}: imaging sessions, opened and closed by operators, seen by everyone logged in. */
@Path("sessions")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Role.VIEWER_NAME)
public class SessionResource {

    @Inject
    SessionService sessions;

    @Inject
    DeploymentHistory history;

    /** The open sessions (oldest first), then the recently closed ones (newest first). */
    @GET
    public Map<String, List<SessionView>> list() {
        List<ImagingSession> all = new ArrayList<>(sessions.openSessions());
        all.addAll(sessions.recentlyClosed());
        Map<Long, Long> named = sessions.named(all);
        return Map.of("sessions", all.stream().map(s -> SessionView.of(s, named.getOrDefault(s.getId(), 0L)))
                .toList());
    }

    /** {@code {venue_code, product_type, count?, image_id?, serials?}}; serials as a list or pasted text. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.OPERATOR_NAME)
    public Response open(JsonValue body, @Context UriInfo uri) {
        JsonInput in = JsonInput.of(body);
        ImagingSession session = sessions.open(in.string("venue_code"), in.string("product_type"),
                whole(in.raw("count"), "count"), whole(in.raw("image_id"), "image_id"), serials(in.raw("serials")));
        return Response.created(uri.getAbsolutePathBuilder().path(String.valueOf(session.getId())).build())
                .entity(SessionView.of(session, 0)).build();
    }

    /** A session with the latest deployment of each board it named, newest first. */
    @GET
    @Path("{id}")
    public Detail get(@PathParam("id") String id) {
        ImagingSession session = sessions.require(id(id));
        List<DeploymentView> boards = history.ofSession(session.getId()).stream().map(DeploymentView::of).toList();
        return new Detail(SessionView.of(session, sessions.named(session)), boards);
    }

    @POST
    @Path("{id}/close")
    @RolesAllowed(Role.OPERATOR_NAME)
    public SessionView close(@PathParam("id") String id) {
        ImagingSession session = sessions.close(id(id));
        return SessionView.of(session, sessions.named(session));
    }

    private static long id(String text) {
        try {
            long id = Long.parseLong(text);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException notANumber) {
            // the message below
        }
        throw DomainException.invalid("id", "A session id is a positive whole number");
    }

    private static Long whole(JsonValue value, String field) {
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (value instanceof JsonNumber number && number.isIntegral()) {
            try {
                return number.bigIntegerValueExact().longValueExact();
            } catch (ArithmeticException tooLarge) {
                throw DomainException.invalid(field, field + " is too large");
            }
        }
        throw DomainException.invalid(field, field + " must be a whole number");
    }

    private static List<String> serials(JsonValue value) {
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return List.of();
        }
        if (value instanceof JsonString text) {
            return SessionRules.split(text.getString());
        }
        if (value instanceof JsonArray array) {
            if (array.size() > SessionRules.MAX_SERIALS) {
                throw DomainException.invalid("serials", "At most " + SessionRules.MAX_SERIALS
                        + " serial numbers per session");
            }
            List<String> items = new ArrayList<>(array.size());
            for (JsonValue item : array) {
                if (!(item instanceof JsonString text)) {
                    throw DomainException.invalid("serials", "serials must be a list of strings");
                }
                items.add(text.getString());
            }
            return items;
        }
        throw DomainException.invalid("serials", "serials must be a list of serial numbers or text");
    }

    /** A session with its boards. */
    public record Detail(SessionView session, List<DeploymentView> boards) {
    }
}
