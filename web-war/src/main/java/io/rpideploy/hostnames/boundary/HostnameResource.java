package io.rpideploy.hostnames.boundary;

import io.rpideploy.audit.control.AuditLog;
import io.rpideploy.hostnames.control.HostnameRules;
import io.rpideploy.hostnames.control.HostnameService;
import io.rpideploy.hostnames.control.HostnameService.Assignment;
import io.rpideploy.hostnames.entity.Product;
import io.rpideploy.netboot.api.MacAddress;
import io.rpideploy.netboot.api.SerialNumber;
import io.rpideploy.platform.boundary.JsonInput;
import io.rpideploy.platform.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import io.rpideploy.platform.control.DomainException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import io.rpideploy.hostnames.entity.HostnameSlot;
import io.rpideploy.platform.control.Revisions;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.Objects;

/**
 * The plan's {@code POST /api/hostname/assign}; one hostname's slot ({@code GET}, with its version as entity tag),
 * its notes ({@code PUT}, honouring {@code If-Match}), and release, retire, pin and replace.
 */
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
        Product product = HostnameRules.product(in.string("product_type"), "product_type");
        SerialNumber serial = HostnameRules.serial(in.string("serial_number"), "serial_number");
        MacAddress mac = HostnameRules.mac(in.string("mac_address"), "mac_address");
        Assignment a = hostnames.assign(product, in.string("venue_code"), serial, mac, audit.currentActor());
        return new AssignView(true, a.hostname(), a.product().name(), a.venueCode(), a.identifier(),
                Objects.toString(a.serialNumber(), null), Objects.toString(a.macAddress(), null), a.reused(),
                a.assignedAt());
    }

    @GET
    @Path("hostnames/{hostname}")
    @RolesAllowed(Role.VIEWER_NAME)
    public Response get(@PathParam("hostname") String hostname) {
        return tagged(hostnames.slot(hostname));
    }

    /** {@code {notes}}: blank or null clears them; 412 when {@code If-Match} names an older version of the slot. */
    @PUT
    @Path("hostnames/{hostname}/notes")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response notes(@PathParam("hostname") String hostname, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
                          JsonValue body) {
        JsonInput in = JsonInput.of(body);
        return tagged(hostnames.notes(hostname, Revisions.expected(ifMatch), in.string("notes")));
    }

    private static Response tagged(HostnameSlot slot) {
        return Response.ok(SlotView.of(slot)).tag(new EntityTag(String.valueOf(slot.getVersion()))).build();
    }

    /** {@code ?board_gone=true} confirms that a board still imaging under the name is gone (its run ends). */
    @POST
    @Path("hostnames/{hostname}/release")
    public SlotView release(@PathParam("hostname") String hostname, @QueryParam("board_gone") String boardGone) {
        return SlotView.of(hostnames.release(hostname, confirmed(boardGone)));
    }

    @POST
    @Path("hostnames/{hostname}/retire")
    public SlotView retire(@PathParam("hostname") String hostname, @QueryParam("board_gone") String boardGone) {
        return SlotView.of(hostnames.retire(hostname, confirmed(boardGone)));
    }

    /** {@code {serial_number}}: the board with this serial gets exactly this name when it next asks. */
    @PUT
    @Path("hostnames/{hostname}/pin")
    @Consumes(MediaType.APPLICATION_JSON)
    public SlotView pin(@PathParam("hostname") String hostname, JsonValue body) {
        return SlotView.of(hostnames.pin(hostname, JsonInput.of(body).string("serial_number")));
    }

    @DELETE
    @Path("hostnames/{hostname}/pin")
    public SlotView unpin(@PathParam("hostname") String hostname) {
        return SlotView.of(hostnames.unpin(hostname));
    }

    /** {@code {serial_number}}: a failed board's name moves to the new board. */
    @POST
    @Path("hostnames/{hostname}/replace")
    @Consumes(MediaType.APPLICATION_JSON)
    public SlotView replace(@PathParam("hostname") String hostname, JsonValue body) {
        return SlotView.of(hostnames.replace(hostname, JsonInput.of(body).string("serial_number")));
    }

    private static boolean confirmed(String flag) {
        if (flag == null || flag.equals("false")) {
            return false;
        }
        if (flag.equals("true")) {
            return true;
        }
        throw DomainException.invalid("board_gone", "board_gone must be true or false");
    }

    /** The plan's answer ({@code success}, {@code hostname}) with the details of the assignment. */
    public record AssignView(boolean success, String hostname, String productType, String venueCode,
                             String identifier, String serialNumber, String macAddress, boolean reused,
                             Instant assignedAt) {
    }
}
