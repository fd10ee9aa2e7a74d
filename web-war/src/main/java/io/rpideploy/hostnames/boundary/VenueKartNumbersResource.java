package io.rpideploy.hostnames.boundary;

import io.rpideploy.hostnames.control.HostnameService;
import io.rpideploy.hostnames.control.KartNumberCsv;
import io.rpideploy.hostnames.control.KartNumberParser;
import io.rpideploy.platform.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code POST /api/venues/{code}/kart-numbers}: a CSV file (or plain text) of kart numbers, cells or ranges. */
@Path("venues/{code}/kart-numbers")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Role.OPERATOR_NAME)
public class VenueKartNumbersResource {

    @Inject
    HostnameService hostnames;

    @POST
    @Consumes({"text/csv", MediaType.TEXT_PLAIN})
    public ImportView importCsv(@PathParam("code") String code, String csv) {
        KartNumberParser.Parsed parsed = KartNumberCsv.parse(csv);
        return ImportView.of(hostnames.importKartNumbers(code, parsed));
    }
}
