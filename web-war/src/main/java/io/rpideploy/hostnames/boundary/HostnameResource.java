package io.rpideploy.hostnames.boundary;

import io.rpideploy.audit.control.AuditLog;
import io.rpideploy.hostnames.control.HostnameService;
import io.rpideploy.hostnames.control.HostnameService.Assignment;
import io.rpideploy.platform.boundary.JsonInput;
import io.rpideploy.platform.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;

/** The plan's {@code POST /api/hostname/assign}, and release/retire of one hostname. */
@Path("")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Role.OPERATOR_NAME)
public class HostnameResource {

    @Inject
    HostnameService hostnames;

    @Inject
    AuditLog audit;

    @POST
    @Path("hostname/assign")
    @Consumes(MediaType.APPLICATION_JSON)
    public AssignView assign(JsonValue body) {
        JsonInput in = JsonInput.of(body);
        Assignment a = hostnames.assign(in.string("product_type"), in.string("venue_code"),
                in.string("serial_number"), in.string("mac_address"), audit.currentActor());
        return new AssignView(true, a.hostname(), a.product().name(), a.venueCode(), a.identifier(),
                a.serialNumber(), a.macAddress(), a.reused(), a.assignedAt());
    }

    @POST
    @Path("hostnames/{hostname}/release")
    public SlotView release(@PathParam("hostname") String hostname) {
        return SlotView.of(hostnames.release(hostname));
    }

    @POST
    @Path("hostnames/{hostname}/retire")
    public SlotView retire(@PathParam("hostname") String hostname) {
        return SlotView.of(hostnames.retire(hostname));
    }

    /** The plan's answer ({@code success}, {@code hostname}) with the details of the assignment. */
    public record AssignView(boolean success, String hostname, String productType, String venueCode,
                             String identifier, String serialNumber, String macAddress, boolean reused,
                             Instant assignedAt) {
    }
}
