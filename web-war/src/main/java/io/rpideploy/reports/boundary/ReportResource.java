package io.rpideploy.reports.boundary;

import io.rpideploy.platform.entity.Role;
import io.rpideploy.reports.control.DeploymentReports;
import io.rpideploy.reports.control.DeploymentReports.Filter;
import io.rpideploy.reports.control.DeploymentReports.Summary;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * {@code GET /api/reports/summary} (management listener, viewer): deployments per day, venue and product for a range
 * of days (default: the last 7), with the plan's per-board summary; {@code .csv} and {@code .pdf} give the same
 * figures as a download. A bad filter is a 400 naming its field, before anything is computed.
 */
@Path("reports")
@RequestScoped
@RolesAllowed(Role.VIEWER_NAME)
public class ReportResource {

    @Inject
    DeploymentReports reports;

    @Inject
    Clock clock;

    @GET
    @Path("summary")
    @Produces(MediaType.APPLICATION_JSON)
    public Summary summary(@QueryParam("from") String from, @QueryParam("to") String to,
                           @QueryParam("venue_code") String venueCode,
                           @QueryParam("product_type") String productType) {
        return reports.summary(new Filter(from, to, venueCode, productType));
    }

    @GET
    @Path("summary.csv")
    @Produces("text/csv")
    public Response csv(@QueryParam("from") String from, @QueryParam("to") String to,
                        @QueryParam("venue_code") String venueCode, @QueryParam("product_type") String productType) {
        Summary s = reports.summary(new Filter(from, to, venueCode, productType));
        return download(ReportCsv.text(s).getBytes(StandardCharsets.UTF_8), "text/csv; charset=UTF-8", s, "csv");
    }

    @GET
    @Path("summary.pdf")
    @Produces("application/pdf")
    public Response pdf(@QueryParam("from") String from, @QueryParam("to") String to,
                        @QueryParam("venue_code") String venueCode, @QueryParam("product_type") String productType) {
        Summary s = reports.summary(new Filter(from, to, venueCode, productType));
        return download(ReportPdf.render(s, clock.instant()), "application/pdf", s, "pdf");
    }

    /** A file named after its filter, e.g. {@code deployments-CORO-KXP2-2026-11-30-to-2026-12-06.pdf}. */
    static String fileName(Summary s, String extension) {
        return "deployments" + (s.venueCode() == null ? "" : "-" + s.venueCode())
                + (s.productType() == null ? "" : "-" + s.productType()) + "-" + s.from() + "-to-" + s.to()
                + "." + extension;
    }

    private static Response download(byte[] body, String type, Summary s, String extension) {
        return Response.ok(body, type)
                .header("Content-Disposition", "attachment; filename=\"" + fileName(s, extension) + "\"").build();
    }
}
