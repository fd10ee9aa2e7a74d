package io.rpideploy.platform.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code /metrics} and {@code /openapi}: on the management listener only (like every path that is not the
 * deployment API's, {@link ListenerPolicy}), behind its login (HTTP Basic or the console's session, any role)
 * unless a setting opens one for a scraper or a documentation tool that cannot log in.
 */
@ApplicationScoped
public class MonitoringEndpoints {

    public static final String METRICS = "/metrics";
    public static final String OPENAPI = "/openapi";

    @Inject
    @ConfigProperty(name = "rpideploy.metrics.public", defaultValue = "false")
    boolean metricsPublic;

    @Inject
    @ConfigProperty(name = "rpideploy.openapi.public", defaultValue = "false")
    boolean openApiPublic;

    public static boolean isMonitoringPath(String path) {
        return path.equals(METRICS) || path.equals(OPENAPI);
    }

    /** Whether {@code path} (one of ours) answers without login. */
    public boolean open(String path) {
        return path.equals(METRICS) ? metricsPublic : path.equals(OPENAPI) && openApiPublic;
    }
}
