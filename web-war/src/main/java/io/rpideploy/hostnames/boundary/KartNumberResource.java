package io.rpideploy.hostnames.boundary;

import io.rpideploy.hostnames.control.HostnameRules;
import io.rpideploy.hostnames.control.HostnameService;
import io.rpideploy.hostnames.control.KartNumberParser;
import io.rpideploy.platform.boundary.JsonInput;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.platform.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonValue;
import jakarta.json.JsonString;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;

/**
 * The plan's {@code POST /api/kart-numbers} with {@code {venue_code, numbers}}: numbers as a JSON list (of
 * numbers, or strings that may be ranges) or as one string such as {@code "1-50, 55, 60-70"}.
 */
@Path("kart-numbers")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Role.OPERATOR_NAME)
public class KartNumberResource {

    @Inject
    HostnameService hostnames;

    @POST
    public ImportView importNumbers(JsonValue body) {
        JsonInput in = JsonInput.of(body);
        String venue = HostnameRules.venueCode(in.string("venue_code"), "venue_code");
        KartNumberParser.Parsed parsed = KartNumberParser.parse(items(in.raw("numbers")));
        return ImportView.of(hostnames.importKartNumbers(venue, parsed));
    }

    /** The request's shape is checked before anything is written: a malformed request imports nothing. */
    static List<String> items(JsonValue numbers) {
        if (numbers == null || numbers.getValueType() == JsonValue.ValueType.NULL) {
            throw DomainException.invalid("numbers", "numbers is required: a list such as [1, 2, \"10-20\"] or a"
                    + " string such as \"1-50, 55\"");
        }
        if (numbers instanceof JsonString text) {
            if (text.getString().isBlank()) {
                throw DomainException.invalid("numbers", "numbers is empty");
            }
            return List.of(text.getString());
        }
        if (!(numbers instanceof JsonArray array)) {
            throw DomainException.invalid("numbers", "numbers must be a list or a string");
        }
        if (array.isEmpty()) {
            throw DomainException.invalid("numbers", "numbers is empty");
        }
        List<String> items = new ArrayList<>(array.size());
        for (JsonValue item : array) {
            if (item instanceof JsonString text) {
                items.add(text.getString());
            } else if (item instanceof JsonNumber number) {
                items.add(number.toString());
            } else {
                items.add(String.valueOf(item)); // reported as invalid, one by one
            }
        }
        return items;
    }
}
