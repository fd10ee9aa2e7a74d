package io.rpideploy.platform.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Which paths each HTTP listener serves. The deployment listener (the Pis' network, no login) serves only the
 * deployment API, images and boot files; the management listener serves everything else. {@code /health} is on
 * both. The listener is told apart by the local port the connection arrived on (never the Host header).
 */
@ApplicationScoped
public class ListenerPolicy {

    @Inject
    @ConfigProperty(name = "rpideploy.deployment.port", defaultValue = "5001")
    int deploymentPort;

    public boolean onDeploymentListener(HttpServletRequest request) {
        return request.getLocalPort() == deploymentPort;
    }

    /** Whether this request's path may be served on the listener it arrived on; otherwise it is a 404. */
    public boolean allowed(HttpServletRequest request) {
        String path = path(request);
        if (path.equals("/health")) {
            return true;
        }
        return onDeploymentListener(request) == isDeploymentPath(path);
    }

    public static boolean isDeploymentPath(String path) {
        return path.equals("/api/config") || path.equals("/api/status")
                || path.startsWith("/images/") || path.startsWith("/boot/");
    }

    /** The path inside the application, without the context root. */
    public static String path(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        String path = uri.startsWith(context) ? uri.substring(context.length()) : uri;
        return path.isEmpty() ? "/" : path;
    }
}
