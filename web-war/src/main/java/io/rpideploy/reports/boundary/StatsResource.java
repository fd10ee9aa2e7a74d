package io.rpideploy.reports.boundary;

import io.rpideploy.reports.control.DeploymentStats;
import io.rpideploy.platform.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The plan's {@code GET /api/stats}. */
@Path("stats")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Role.VIEWER_NAME)
public class StatsResource {

    @Inject
    DeploymentStats stats;

    @GET
    public DeploymentStats.Summary get() {
        return stats.summary();
    }
}
