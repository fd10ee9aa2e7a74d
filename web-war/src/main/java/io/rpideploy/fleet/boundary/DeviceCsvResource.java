package io.rpideploy.fleet.boundary;

import static io.rpideploy.platform.boundary.CsvCells.cell;
import static io.rpideploy.platform.boundary.CsvCells.instant;

import io.rpideploy.fleet.control.BoardDirectory;
import io.rpideploy.fleet.control.BoardDirectory.Board;
import io.rpideploy.fleet.control.BoardDirectory.Page;
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

/**
 * {@code GET /api/devices.csv?q=} (management listener, viewer): the boards of the same search as CSV with a header,
 * streamed page by page; cells that a spreadsheet would run as a formula are neutralised.
 */
@Path("devices.csv")
@RequestScoped
@RolesAllowed(Role.VIEWER_NAME)
public class DeviceCsvResource {

    static final String HEADER = "serial,mac,model,hostname,first_seen,last_seen,deployments,last_status,"
            + "image_version,imaged_at";

    @Inject
    BoardDirectory boards;

    @GET
    @Produces("text/csv")
    public Response export(@QueryParam("q") String q) {
        boards.search(q, 0, 1); // a bad query is a 400 before the first byte
        StreamingOutput body = out -> {
            Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            writer.write(HEADER);
            writer.write("\r\n");
            for (int offset = 0; ; offset += BoardDirectory.MAX_PAGE) {
                Page page = boards.search(q, offset, BoardDirectory.MAX_PAGE);
                for (Board b : page.boards()) {
                    writer.write(line(b));
                }
                writer.flush();
                if (page.boards().size() < BoardDirectory.MAX_PAGE) {
                    break;
                }
            }
            writer.flush();
        };
        return Response.ok(body, "text/csv; charset=UTF-8")
                .header("Content-Disposition", "attachment; filename=\"devices.csv\"").build();
    }

    static String line(Board b) {
        return String.join(",", cell(b.serialNumber()), cell(b.macAddress()), cell(b.model()), cell(b.hostname()),
                instant(b.firstSeen()), instant(b.lastSeen()), String.valueOf(b.deployments()), cell(b.lastStatus()),
                cell(b.imageVersion()), instant(b.imagedAt())) + "\r\n";
    }
}
