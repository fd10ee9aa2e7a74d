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

    @Inject
    @ConfigProperty(name = "rpideploy.deployment.address", defaultValue = "0.0.0.0")
    String deploymentAddress;

    @Inject
    @ConfigProperty(name = "rpideploy.management.address", defaultValue = "0.0.0.0")
    String managementAddress;

    @Inject
    @ConfigProperty(name = "rpideploy.management.allow-deployment-network", defaultValue = "false")
    boolean allowDeploymentNetwork;

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
        boolean deployment = onDeploymentListener(request);
        if (!deployment && !allowDeploymentNetwork
                && reachedThroughDeploymentAddress(request.getLocalAddr(), managementAddress, deploymentAddress)) {
            return false; // the console and the management API never answer on the boards' network
        }
        return deployment == isDeploymentPath(path);
    }

    /**
     * Whether a connection to the management listener arrived on the deployment network's address: the management
     * listener bound to all addresses would otherwise serve the console there. Only when the deployment address is
     * a specific one other than the management address (an operator who put both on one address chose that).
     */
    static boolean reachedThroughDeploymentAddress(String localAddress, String managementAddress,
                                                   String deploymentAddress) {
        if (localAddress == null || wildcard(deploymentAddress) || deploymentAddress.equals(managementAddress)) {
            return false;
        }
        return localAddress.equals(deploymentAddress);
    }

    private static boolean wildcard(String address) {
        return address == null || address.isBlank() || address.equals("0.0.0.0") || address.equals("::")
                || address.equals("[::]");
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
