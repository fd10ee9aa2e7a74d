package io.rpideploy.venues.boundary;

import io.rpideploy.hostnames.control.HostnameService;
import io.rpideploy.hostnames.control.KartNumberCsv;
import io.rpideploy.hostnames.control.KartNumberParser;
import io.rpideploy.hostnames.entity.HostnameSlot;
import io.rpideploy.hostnames.entity.SlotStatus;
import io.rpideploy.hostnames.boundary.ImportView;
import io.rpideploy.hostnames.boundary.SlotView;
import io.rpideploy.platform.boundary.JsonInput;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.security.entity.Role;
import io.rpideploy.venues.control.VenueService;
import io.rpideploy.venues.entity.Venue;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** {@code /api/venues}: the plan's list and create, plus get, update, delete, stats, slots and CSV import. */
@Path("venues")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Role.VIEWER_NAME)
public class VenueResource {

    static final int MAX_PAGE = 1000;

    @Inject
    VenueService venues;

    @Inject
    HostnameService hostnames;

    @GET
    public Map<String, List<VenueView>> list() {
        return Map.of("venues", venues.list().stream().map(VenueView::of).toList());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.OPERATOR_NAME)
    public Response create(JsonValue body, @Context UriInfo uri) {
        JsonInput in = JsonInput.of(body);
        Venue venue = venues.create(in.string("code"), in.string("name"), in.string("location"),
                in.string("contact_email"));
        return Response.created(uri.getAbsolutePathBuilder().path(venue.getCode()).build())
                .entity(new Created(true, venue.getCode(), VenueView.of(venue))).build();
    }

    @GET
    @Path("{code}")
    public VenueView get(@PathParam("code") String code) {
        return VenueView.of(venues.require(code));
    }

    @PUT
    @Path("{code}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.OPERATOR_NAME)
    public VenueView update(@PathParam("code") String code, JsonValue body) {
        JsonInput in = JsonInput.of(body);
        return VenueView.of(venues.update(code, in.string("name"), in.string("location"),
                in.string("contact_email")));
    }

    @DELETE
    @Path("{code}")
    @RolesAllowed(Role.OPERATOR_NAME)
    public Response delete(@PathParam("code") String code) {
        venues.delete(code);
        return Response.noContent().build();
    }

    @GET
    @Path("{code}/stats")
    public VenueService.VenueStats stats(@PathParam("code") String code) {
        return venues.stats(code);
    }

    @GET
    @Path("{code}/slots")
    public SlotPage slots(@PathParam("code") String code, @QueryParam("status") String statusText,
                          @QueryParam("offset") @DefaultValue("0") int offset,
                          @QueryParam("limit") @DefaultValue("1000") int limit) {
        SlotStatus status = statusText == null || statusText.isBlank() ? null : SlotStatus.parse(statusText)
                .orElseThrow(() -> DomainException.invalid("status", "Status must be available, assigned or retired"));
        if (offset < 0 || limit < 1 || limit > MAX_PAGE) {
            throw DomainException.invalid("limit", "offset must be >= 0 and limit 1.." + MAX_PAGE);
        }
        String venueCode = venues.require(code).getCode();
        List<HostnameSlot> slots = hostnames.slots(venueCode, status, offset, limit);
        return new SlotPage(venueCode, hostnames.countSlots(venueCode, status), offset,
                slots.stream().map(SlotView::of).toList());
    }

    /** A CSV file (or plain text) of kart numbers: every cell may be a number or a range. */
    @POST
    @Path("{code}/kart-numbers")
    @Consumes({"text/csv", MediaType.TEXT_PLAIN})
    @RolesAllowed(Role.OPERATOR_NAME)
    public ImportView importCsv(@PathParam("code") String code, String csv) {
        KartNumberParser.Parsed parsed = KartNumberCsv.parse(csv);
        return ImportView.of(hostnames.importKartNumbers(code, parsed));
    }

    /** A venue as the API shows it. */
    public record VenueView(String code, String name, String location, String contactEmail, Instant createdAt) {
        static VenueView of(Venue v) {
            return new VenueView(v.getCode(), v.getName(), v.getLocation(), v.getContactEmail(), v.getCreatedAt());
        }
    }

    /** The plan's create answer ({@code success}, {@code venue_code}) with the stored venue. */
    public record Created(boolean success, String venueCode, VenueView venue) {
    }

    /** One page of a venue's slots. */
    public record SlotPage(String venueCode, long total, int offset, List<SlotView> slots) {
    }
}
