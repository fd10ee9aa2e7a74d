package io.rpideploy.fleet.boundary;

import io.rpideploy.fleet.control.BoardDirectory;
import io.rpideploy.fleet.control.BoardDirectory.Page;
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

/**
 * {@code GET /api/devices?q=&offset=&limit=} (management listener, viewer): every board ever seen, newest first,
 * searched by any part of its serial, MAC or hostname: {@code {total, offset, limit, boards: [...]}}.
 */
@Path("devices")
@RequestScoped
@RolesAllowed(Role.VIEWER_NAME)
public class DeviceResource {

    @Inject
    BoardDirectory boards;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Page list(@QueryParam("q") String q, @QueryParam("offset") @DefaultValue("0") int offset,
                     @QueryParam("limit") @DefaultValue("100") int limit) {
        return boards.search(q, offset, limit);
    }
}
