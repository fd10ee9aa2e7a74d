package io.rpideploy.security.boundary;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Locale;

/**
 * Whether a browser request comes from a page of this server (RFC 6454 origins). A request without {@code Origin}
 * and without {@code Sec-Fetch-Site} is not from a modern browser's cross-site context (curl, scripts) and passes;
 * whatever a browser says must name this server's own scheme, host and port.
 */
final class SameOrigin {

    private SameOrigin() {
    }

    static boolean holds(HttpServletRequest request) {
        String site = request.getHeader("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            return false;
        }
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return true;
        }
        String host = request.getHeader("Host");
        if (host == null || origin.equals("null")) {
            return false;
        }
        try {
            URI uri = URI.create(origin);
            if (uri.getScheme() == null || uri.getHost() == null) {
                return false;
            }
            int port = uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
            String expected = request.getScheme().toLowerCase(Locale.ROOT);
            int defaultPort = expected.equals("https") ? 443 : 80;
            String wanted = host.toLowerCase(Locale.ROOT);
            if (wanted.indexOf(':') < 0 || wanted.endsWith("]")) {
                wanted = wanted + ":" + defaultPort;
            }
            return uri.getScheme().equalsIgnoreCase(expected)
                    && (uri.getHost().toLowerCase(Locale.ROOT) + ":" + port).equals(wanted);
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }
}
