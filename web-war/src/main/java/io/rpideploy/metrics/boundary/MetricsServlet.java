package io.rpideploy.metrics.boundary;

import io.rpideploy.metrics.control.Metrics;
import io.rpideploy.platform.boundary.ApiErrors;
import io.rpideploy.platform.control.MonitoringEndpoints;
import io.rpideploy.platform.entity.Role;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code GET /metrics} in the Prometheus text format (version 0.0.4). The management listener only
 * ({@code ListenerFilter} answers 404 on the deployment listener); the login is {@code LoginMechanism}'s, checked
 * again here so that no other route to this servlet skips it.
 */
@WebServlet(urlPatterns = MonitoringEndpoints.METRICS)
public class MetricsServlet extends HttpServlet {

    @Inject
    Metrics metrics;

    @Inject
    MonitoringEndpoints access;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!access.open(MonitoringEndpoints.METRICS) && !request.isUserInRole(Role.VIEWER_NAME)) {
            ApiErrors.write(response, 401, "unauthorized", "Log in to read the metrics");
            return;
        }
        response.setContentType(metrics.registry().contentType());
        response.setHeader("Cache-Control", "no-store");
        metrics.registry().write(response.getOutputStream());
    }
}
