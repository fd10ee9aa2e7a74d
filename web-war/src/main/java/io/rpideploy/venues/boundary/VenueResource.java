package io.rpideploy.venues.boundary;

import io.rpideploy.platform.boundary.JsonInput;
import io.rpideploy.platform.control.Revisions;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.platform.entity.Role;
import io.rpideploy.venues.control.VenueService;
import io.rpideploy.venues.entity.Venue;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/venues}: the plan's list and create, plus get, update and delete. A venue's pool (its stats, slots and
 * kart-number CSV import under {@code /api/venues/{code}/...}) belongs to the hostnames feature.
 */
@Path("venues")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Role.VIEWER_NAME)
public class VenueResource {


    @Inject
    VenueService venues;


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
    public Response get(@PathParam("code") String code) {
        Venue venue = venues.require(code);
        return Response.ok(VenueView.of(venue)).tag(new EntityTag(String.valueOf(venue.getVersion()))).build();
    }

    @PUT
    @Path("{code}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.OPERATOR_NAME)
    public Response update(@PathParam("code") String code, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
                           JsonValue body) {
        JsonInput in = JsonInput.of(body);
        Venue venue = venues.update(code, Revisions.expected(ifMatch), in.string("name"), in.string("location"),
                in.string("contact_email"));
        return Response.ok(VenueView.of(venue)).tag(new EntityTag(String.valueOf(venue.getVersion()))).build();
    }

    @DELETE
    @Path("{code}")
    @RolesAllowed(Role.OPERATOR_NAME)
    public Response delete(@PathParam("code") String code, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        venues.delete(code, Revisions.expected(ifMatch));
        return Response.noContent().build();
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
}
