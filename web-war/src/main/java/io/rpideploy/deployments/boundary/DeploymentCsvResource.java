package io.rpideploy.deployments.boundary;

import static io.rpideploy.platform.boundary.CsvCells.cell;
import static io.rpideploy.platform.boundary.CsvCells.instant;

import io.rpideploy.deployments.control.DeploymentHistory;
import io.rpideploy.deployments.control.DeploymentHistory.Filter;
import io.rpideploy.deployments.control.DeploymentHistory.Page;
import io.rpideploy.deployments.entity.Deployment;
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
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;

/**
 * {@code GET /api/deployments.csv} (management listener, viewer): every deployment matching the history's filters,
 * newest first, as CSV with a header row. Streamed page by page: the export never holds more than one page.
 */
@Path("deployments.csv")
@RequestScoped
@RolesAllowed(Role.VIEWER_NAME)
public class DeploymentCsvResource {

    static final String HEADER = "id,started_at,completed_at,status,hostname,serial,mac,ip,product,venue,"
            + "image_version,error";

    @Inject
    DeploymentHistory history;

    @Inject
    Clock clock;

    @GET
    @Produces("text/csv")
    public Response export(@QueryParam("venue_code") String venueCode, @QueryParam("product_type") String productType,
                           @QueryParam("status") String status, @QueryParam("from") String from,
                           @QueryParam("to") String to, @QueryParam("serial") String serial,
                           @QueryParam("hostname") String hostname) {
        // without an end, pages are cut at the export's start: boards starting meanwhile would shift the offsets
        String end = to == null || to.isBlank() ? clock.instant().toString() : to;
        Filter filter = new Filter(venueCode, productType, status, from, end, serial, hostname);
        history.search(filter, 0, 1); // a bad filter is a 400 with its field, before the first byte is sent
        StreamingOutput body = out -> {
            Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            writer.write(HEADER);
            writer.write("\r\n");
            for (int offset = 0; ; offset += DeploymentHistory.MAX_PAGE) {
                Page page = history.search(filter, offset, DeploymentHistory.MAX_PAGE);
                for (Deployment d : page.deployments()) {
                    writer.write(line(d));
                }
                writer.flush();
                if (page.deployments().size() < DeploymentHistory.MAX_PAGE) {
                    break;
                }
            }
            writer.flush();
        };
        String name = "deployments-" + LocalDate.now(clock).format(DateTimeFormatter.BASIC_ISO_DATE) + ".csv";
        return Response.ok(body, "text/csv; charset=UTF-8")
                .header("Content-Disposition", "attachment; filename=\"" + name + "\"").build();
    }

    static String line(Deployment d) {
        return String.join(",", String.valueOf(d.getId()), instant(d.getStartedAt()), instant(d.getCompletedAt()),
                cell(d.getStatus()), cell(d.getHostname()), cell(d.getSerialNumber()), cell(d.getMacAddress()),
                cell(d.getIpAddress()), cell(d.getProductType()), cell(d.getVenueCode()), cell(d.getImageVersion()),
                cell(d.getErrorMessage())) + "\r\n";
    }
}
