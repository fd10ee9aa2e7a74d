package io.rpideploy.hostnames.boundary;

import io.rpideploy.hostnames.control.HostnameService;
import io.rpideploy.hostnames.entity.HostnameSlot;
import io.rpideploy.hostnames.entity.SlotStatus;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.platform.entity.Role;
import io.rpideploy.venues.control.VenueService;
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
import java.util.List;

/**
 * {@code GET /api/venues/{code}/slots?status=&q=&offset=&limit=}: one page of a venue's hostnames; {@code q} is part
 * of a hostname or of a board serial.
 */
@Path("venues/{code}/slots")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Role.VIEWER_NAME)
public class VenueSlotsResource {

    static final int MAX_PAGE = 1000;

    @Inject
    HostnameService hostnames;

    @Inject
    VenueService venues;

    @GET
    public SlotPage slots(@PathParam("code") String code, @QueryParam("status") String statusText,
                          @QueryParam("q") String q, @QueryParam("offset") @DefaultValue("0") int offset,
                          @QueryParam("limit") @DefaultValue("1000") int limit) {
        SlotStatus status = SlotFilters.status(statusText);
        if (offset < 0 || limit < 1 || limit > MAX_PAGE) {
            throw DomainException.invalid("limit", "offset must be >= 0 and limit 1.." + MAX_PAGE);
        }
        String venueCode = venues.require(code).getCode();
        HostnameService.SlotFilter filter = new HostnameService.SlotFilter(venueCode, null, status, q);
        List<HostnameSlot> slots = hostnames.slots(filter, offset, limit);
        return new SlotPage(venueCode, hostnames.countSlots(filter), offset,
                slots.stream().map(SlotView::of).toList());
    }

    /** One page of a venue's slots. */
    public record SlotPage(String venueCode, long total, int offset, List<SlotView> slots) {
    }
}
