package io.rpideploy.deployments.boundary;

import io.rpideploy.deployments.control.DeploymentRules;
import io.rpideploy.deployments.control.DeploymentRules.Figures;
import io.rpideploy.deployments.control.DeploymentService;
import io.rpideploy.deployments.control.DeploymentTimeline.Reported;
import io.rpideploy.deployments.control.StatusReport;
import io.rpideploy.hostnames.control.HostnameRules;
import io.rpideploy.platform.boundary.JsonInput;
import io.rpideploy.platform.control.DomainException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonNumber;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.math.BigDecimal;

/**
 * The plan's {@code POST /api/status} (deployment listener only, no login): {@code status, message, hostname,
 * serial, mac_address, error_message, timestamp}, plus optional {@code deployment_id, progress, bytes_written,
 * bytes_total, rate_bps}. The board's {@code timestamp} is checked but not used: boards booted from the network
 * have no reliable clock, so the timeline uses the server's.
 */
@Path("status")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class StatusResource {

    @Inject
    DeploymentService deployments;

    @Context
    HttpServletRequest request;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public StatusAnswer status(JsonValue body) {
        JsonInput in = JsonInput.of(body);
        String serialText = in.string("serial") != null ? in.string("serial") : in.string("serial_number");
        JsonValue timestamp = in.raw("timestamp");
        if (timestamp != null && !(timestamp instanceof JsonNumber || timestamp instanceof JsonString
                || timestamp.getValueType() == JsonValue.ValueType.NULL)) {
            throw DomainException.invalid("timestamp", "timestamp must be a number (seconds since 1970) or text");
        }
        BigDecimal id = number(in, "deployment_id");
        StatusReport report = new StatusReport(DeploymentRules.reportedState(in.string("status")),
                id == null ? null : deploymentId(id),
                DeploymentRules.serial(serialText, in.string("serial") != null ? "serial" : "serial_number"),
                HostnameRules.mac(in.string("mac_address"), "mac_address"),
                DeploymentRules.hostname(in.string("hostname")),
                DeploymentRules.text(in.string("message")), DeploymentRules.text(in.string("error_message")),
                Figures.of(number(in, "progress"), number(in, "bytes_written"), number(in, "bytes_total"),
                        number(in, "rate_bps")), token(in.string("report_token")));
        Reported r = deployments.report(report, request.getRemoteAddr());
        return new StatusAnswer(true, r.deploymentId(), r.status(), r.hostname(), r.stateChanged());
    }

    private static String token(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        if (text.length() > 64) {
            throw DomainException.invalid("report_token", "report_token is not one this server gave out");
        }
        return text.trim();
    }

    /** A number, or a string holding one (what a shell script sends); null when absent. */
    private static BigDecimal number(JsonInput in, String field) {
        JsonValue value = in.raw(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        try {
            if (value instanceof JsonNumber n) {
                return n.bigDecimalValue();
            }
            if (value instanceof JsonString s && !s.getString().isBlank()) {
                return new BigDecimal(s.getString().trim());
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw DomainException.invalid(field, "Field '" + field + "' must be a number");
    }

    private static long deploymentId(BigDecimal id) {
        try {
            long value = id.longValueExact();
            if (value > 0) {
                return value;
            }
        } catch (ArithmeticException e) {
            // falls through to the error below
        }
        throw DomainException.invalid("deployment_id", "deployment_id must be a positive whole number");
    }

    /** The plan's {@code {received, hostname}} with the deployment it was matched to. */
    public record StatusAnswer(boolean received, long deploymentId, String status, String hostname,
                               boolean stateChanged) {
    }
}
