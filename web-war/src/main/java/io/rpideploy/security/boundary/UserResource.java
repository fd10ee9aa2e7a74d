package io.rpideploy.security.boundary;

import io.rpideploy.platform.boundary.JsonInput;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.platform.control.Revisions;
import io.rpideploy.security.control.UserService;
import io.rpideploy.platform.entity.Role;
import io.rpideploy.security.entity.UserAccount;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** {@code /api/users}: accounts, for admins only. Passwords go in, never come out. */
@Path("users")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Role.ADMIN_NAME)
public class UserResource {

    @Inject
    UserService users;

    @GET
    public Map<String, List<UserView>> list() {
        return Map.of("users", users.list().stream().map(UserView::of).toList());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(JsonValue body) {
        JsonInput in = JsonInput.of(body);
        UserAccount user = users.create(in.string("username"), in.string("role"), password(in));
        return Response.status(Response.Status.CREATED).entity(UserView.of(user)).build();
    }

    /** Changes any of {@code role}, {@code enabled}, {@code password}. */
    @PUT
    @Path("{username}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response update(@PathParam("username") String username,
                           @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch, JsonValue body) {
        JsonInput in = JsonInput.of(body);
        if (in.string("role") == null && in.bool("enabled") == null && in.string("password") == null) {
            throw DomainException.invalid(null, "Nothing to change: send role, enabled or password");
        }
        UserAccount user = users.update(username, Revisions.expected(ifMatch), in.string("role"), in.bool("enabled"),
                password(in));
        return Response.ok(UserView.of(user)).tag(new EntityTag(String.valueOf(user.getVersion()))).build();
    }

    @GET
    @Path("{username}")
    public Response get(@PathParam("username") String username) {
        UserAccount user = users.require(username);
        return Response.ok(UserView.of(user)).tag(new EntityTag(String.valueOf(user.getVersion()))).build();
    }

    private static char[] password(JsonInput in) {
        String password = in.string("password");
        return password == null ? null : password.toCharArray();
    }

    /** An account as the API shows it (no hash). */
    public record UserView(String username, String role, boolean enabled, Instant createdAt, Instant updatedAt) {
        static UserView of(UserAccount u) {
            return new UserView(u.getUsername(), u.getRole().label(), u.isEnabled(), u.getCreatedAt(),
                    u.getUpdatedAt());
        }
    }
}
