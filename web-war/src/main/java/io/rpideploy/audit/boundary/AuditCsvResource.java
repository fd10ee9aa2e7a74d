package io.rpideploy.audit.boundary;

import static io.rpideploy.platform.boundary.CsvCells.cell;
import static io.rpideploy.platform.boundary.CsvCells.instant;

import io.rpideploy.audit.control.AuditLog;
import io.rpideploy.audit.control.AuditLog.Filter;
import io.rpideploy.audit.entity.AuditEvent;
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
import java.util.List;

/**
 * {@code GET /api/audit.csv} (management listener, operator): every audit event matching the filters of
 * {@code /api/audit}, newest first, as CSV with a header row. Streamed a page at a time, walking the log by id:
 * events written during the export are not in it and none appears twice.
 */
@Path("audit.csv")
@RequestScoped
@RolesAllowed(Role.OPERATOR_NAME)
public class AuditCsvResource {

    static final String HEADER = "id,at,actor,action,target,details";

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @GET
    @Produces("text/csv")
    public Response export(@QueryParam("actor") String actor, @QueryParam("action") String action,
                           @QueryParam("from") String from, @QueryParam("to") String to) {
        Filter filter = new Filter(actor, action, from, to);
        audit.count(filter); // a bad filter is a 400 with its field, before the first byte is sent
        StreamingOutput body = out -> {
            Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            writer.write(HEADER);
            writer.write("\r\n");
            long before = Long.MAX_VALUE;
            while (true) {
                List<AuditEvent> page = audit.before(filter, before, AuditLog.MAX_PAGE);
                for (AuditEvent e : page) {
                    writer.write(line(e));
                    before = e.getId();
                }
                writer.flush();
                if (page.size() < AuditLog.MAX_PAGE) {
                    break;
                }
            }
        };
        String name = "audit-" + LocalDate.now(clock).format(DateTimeFormatter.BASIC_ISO_DATE) + ".csv";
        return Response.ok(body, "text/csv; charset=UTF-8")
                .header("Content-Disposition", "attachment; filename=\"" + name + "\"").build();
    }

    static String line(AuditEvent e) {
        return String.join(",", String.valueOf(e.getId()), instant(e.getAt()), cell(e.getActor()),
                cell(e.getAction()), cell(e.getTarget()), cell(e.getDetails())) + "\r\n";
    }
}
