package io.rpideploy.hostnames.boundary;

import static io.rpideploy.platform.boundary.CsvCells.cell;
import static io.rpideploy.platform.boundary.CsvCells.instant;

import io.rpideploy.hostnames.control.HostnameService;
import io.rpideploy.hostnames.control.HostnameService.SlotFilter;
import io.rpideploy.hostnames.entity.HostnameSlot;
import io.rpideploy.platform.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code GET /api/hostnames.csv?venue_code=&product_type=&status=&q=} (management listener, viewer): the pools'
 * hostnames matching the Pools page's filters, every one when none is given, as CSV with a header row. Streamed page
 * by page; cells that a spreadsheet would run as a formula (notes are typed by people) are neutralised.
 */
@Path("hostnames.csv")
@RequestScoped
@RolesAllowed(Role.VIEWER_NAME)
public class HostnameCsvResource {

    static final String HEADER = "hostname,venue,product,identifier,status,serial,mac,assigned_at,pinned_serial,"
            + "replaced_serial,notes";
    private static final int PAGE = 1000;

    @Inject
    HostnameService hostnames;

    @GET
    @Produces("text/csv")
    public Response export(@QueryParam("venue_code") String venueCode, @QueryParam("product_type") String product,
                           @QueryParam("status") String status, @QueryParam("q") String q) {
        SlotFilter filter = SlotFilters.of(venueCode, product, status, q);
        hostnames.countSlots(filter); // a bad filter (unknown venue, long search) is a 4xx before the first byte
        StreamingOutput body = out -> {
            Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            writer.write(HEADER);
            writer.write("\r\n");
            for (int offset = 0; ; offset += PAGE) {
                List<HostnameSlot> page = hostnames.slots(filter, offset, PAGE);
                for (HostnameSlot slot : page) {
                    writer.write(line(SlotView.of(slot)));
                }
                writer.flush();
                if (page.size() < PAGE) {
                    break;
                }
            }
            writer.flush();
        };
        String name = "hostnames" + (filter.venueCode() == null ? "" : "-" + filter.venueCode()) + ".csv";
        return Response.ok(body, "text/csv; charset=UTF-8")
                .header("Content-Disposition", "attachment; filename=\"" + name + "\"").build();
    }

    static String line(SlotView s) {
        return String.join(",", cell(s.hostname()), cell(s.venueCode()), cell(s.productType()), cell(s.identifier()),
                cell(s.status()), cell(s.serialNumber()), cell(s.macAddress()), instant(s.assignedAt()),
                cell(s.pinnedSerial()), cell(s.replacedSerial()), cell(s.notes())) + "\r\n";
    }
}
