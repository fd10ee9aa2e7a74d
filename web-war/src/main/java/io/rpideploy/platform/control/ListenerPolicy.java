package io.rpideploy.platform.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
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

    /**
     * Whether this request's path may be served on the listener it arrived on; otherwise it is a 404. Decided on
     * the canonical path only: a path in any other spelling is never allowed (see {@link RequestPaths}).
     */
    public boolean allowed(HttpServletRequest request) {
        Optional<String> canonical = canonicalPath(request);
        if (canonical.isEmpty()) {
            return false;
        }
        String path = canonical.get();
        if (path.equals("/health")) {
            return true;
        }
        return onDeploymentListener(request) == isDeploymentPath(path);
    }

    /** The decoded path inside the application when it is spelled canonically; empty for any other spelling. */
    public static Optional<String> canonicalPath(HttpServletRequest request) {
        return RequestPaths.canonical(request.getRequestURI(), request.getContextPath());
    }

    public static boolean isDeploymentPath(String path) {
        // JAX-RS matches a resource with or without one trailing slash: so must this rule
        String api = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return api.equals("/api/config") || api.equals("/api/status")
                || path.startsWith("/images/") || path.startsWith("/boot/");
    }

    /** The raw (still percent-encoded) path inside the application, without the context root. */
    public static String path(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        String path = uri.startsWith(context) ? uri.substring(context.length()) : uri;
        return path.isEmpty() ? "/" : path;
    }
}
