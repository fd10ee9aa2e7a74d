package io.rpideploy.deployments.boundary;

import io.rpideploy.deployments.control.DeploymentHistory;
import io.rpideploy.deployments.control.DeploymentHistory.Filter;
import io.rpideploy.deployments.control.DeploymentHistory.Page;
import io.rpideploy.deployments.entity.Deployment;
import io.rpideploy.deployments.entity.DeploymentEvent;
import io.rpideploy.deployments.control.BoardBootSteps;
import io.rpideploy.platform.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** {@code /api/deployments} (management listener): the deployment history, filtered and paged, and one timeline. */
@Path("deployments")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Role.VIEWER_NAME)
public class DeploymentResource {

    /** How long before its installer started a board's network boot is shown with its deployment. */
    static final Duration NETBOOT_BEFORE = Duration.ofMinutes(30);

    @Inject
    DeploymentHistory history;

    @Inject
    BoardBootSteps netboot;

    @Inject
    DashboardDeployments dashboard;

    @GET
    public PageView list(@QueryParam("venue_code") String venueCode, @QueryParam("product_type") String productType,
                         @QueryParam("status") String status, @QueryParam("from") String from,
                         @QueryParam("to") String to, @QueryParam("serial") String serial,
                         @QueryParam("hostname") String hostname,
                         @QueryParam("offset") @DefaultValue("0") int offset,
                         @QueryParam("limit") @DefaultValue("100") int limit) {
        Page page = history.search(new Filter(venueCode, productType, status, from, to, serial, hostname), offset,
                limit);
        return new PageView(page.total(), page.offset(), page.limit(),
                page.deployments().stream().map(DeploymentView::of).toList());
    }

    /** Every deployment still under way with its last known figures (what the Dashboard draws on load). */
    @GET
    @Path("unfinished")
    public Map<String, List<DeploymentView>> unfinished() {
        return Map.of("deployments", dashboard.unfinished());
    }

    @GET
    @Path("{id: [0-9]{1,18}}")
    public DetailView get(@PathParam("id") long id) {
        Deployment d = history.require(id);
        Instant end = d.getCompletedAt() != null ? d.getCompletedAt() : Instant.now();
        return new DetailView(DeploymentView.of(d), history.timeline(id).stream().map(EventView::of).toList(),
                netboot.ofBoard(d.mac(), d.getStartedAt().minus(NETBOOT_BEFORE), end));
    }

    /** One page of history, newest first. */
    public record PageView(long total, int offset, int limit, List<DeploymentView> deployments) {
    }

    /** A deployment as the API shows it. */
    public record DeploymentView(long id, String status, String hostname, String serialNumber, String macAddress,
                                 String ipAddress, String productType, String venueCode, String imageVersion,
                                 Integer progress, Long bytesWritten, Long bytesTotal, Long rateBps, String message,
                                 String errorMessage, Instant startedAt, Instant updatedAt, Instant lastSeenAt,
                                 Instant completedAt, Long sessionId) {
        public static DeploymentView of(Deployment d) {
            return new DeploymentView(d.getId(), d.getStatus(), d.getHostname(), d.getSerialNumber(),
                    d.getMacAddress(), d.getIpAddress(), d.getProductType(), d.getVenueCode(), d.getImageVersion(),
                    d.getProgress(), d.getBytesWritten(), d.getBytesTotal(), d.getRateBps(), d.getMessage(),
                    d.getErrorMessage(), d.getStartedAt(), d.getUpdatedAt(), d.getLastSeenAt(), d.getCompletedAt(),
                    d.getSessionId());
        }
    }

    /** A deployment with the states it went through, and the board's network boot (DHCP, files) around it. */
    public record DetailView(DeploymentView deployment, List<EventView> events,
                             List<BoardBootSteps.BootStep> netboot) {
    }

    /** One entry of a timeline. */
    public record EventView(String state, Instant at, String message, Integer progress, Long bytesWritten,
                            Long bytesTotal, Long rateBps) {
        static EventView of(DeploymentEvent e) {
            return new EventView(e.getState(), e.getAt(), e.getMessage(), e.getProgress(), e.getBytesWritten(),
                    e.getBytesTotal(), e.getRateBps());
        }
    }
}
