package io.rpideploy.hostnames.boundary;

import io.rpideploy.hostnames.control.HostnameService;
import io.rpideploy.hostnames.control.KartNumberCsv;
import io.rpideploy.hostnames.control.KartNumberParser;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.platform.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code POST /api/venues/{code}/kart-numbers?column=&header=}: a CSV file (or plain text) of kart numbers, cells or
 * ranges; {@code column} (from 1) reads one column of a file that holds other numbers too, {@code header} says
 * whether its first row is a header (guessed when absent).
 */
@Path("venues/{code}/kart-numbers")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Role.OPERATOR_NAME)
public class VenueKartNumbersResource {

    @Inject
    HostnameService hostnames;

    @POST
    @Consumes({"text/csv", MediaType.TEXT_PLAIN})
    public ImportView importCsv(@PathParam("code") String code, @QueryParam("column") String column,
                                @QueryParam("header") String header, String csv) {
        KartNumberParser.Parsed parsed = KartNumberCsv.parse(csv, column(column), header(header));
        return ImportView.of(hostnames.importKartNumbers(code, parsed));
    }

    /** Parsed here, not by JAX-RS: a bad number is a 400 naming the field, not a bare 404. */
    private static Integer column(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(text.strip());
        } catch (NumberFormatException notANumber) {
            throw DomainException.invalid("column", "column must be a column number counted from 1, got '"
                    + (text.length() > 20 ? text.substring(0, 20) + "…" : text) + "'");
        }
    }

    private static Boolean header(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        return switch (text.strip()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw DomainException.invalid("header", "header must be true or false");
        };
    }
}
