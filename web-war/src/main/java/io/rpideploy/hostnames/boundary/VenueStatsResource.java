package io.rpideploy.hostnames.boundary;

import io.rpideploy.hostnames.control.HostnameService;
import io.rpideploy.venues.control.VenuePool;
import io.rpideploy.platform.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/venues/{code}/stats}: the plan's per-venue statistics. */
@Path("venues/{code}/stats")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Role.VIEWER_NAME)
public class VenueStatsResource {

    @Inject
    HostnameService hostnames;

    @GET
    public VenuePool.VenueStats stats(@PathParam("code") String code) {
        return hostnames.stats(code);
    }
}
