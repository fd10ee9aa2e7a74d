package io.rpideploy.platform.boundary;

import io.rpideploy.platform.control.ListenerPolicy;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Headers every answer carries: no MIME sniffing, no referrer, no framing, a Content-Security-Policy (console pages
 * load scripts, styles and the WebSocket from this server only; everything else loads nothing), and no caching of
 * pages and API answers that hold data. Files (images, boot files, console resources) set their own caching.
 */
public class SecurityHeaders extends HttpFilter {

    /** PrimeFaces renders inline scripts and handlers, hence 'unsafe-inline'; nothing is loaded from elsewhere. */
    static final String PAGE_POLICY = "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
            + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
            + "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
    static final String DATA_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = ListenerPolicy.canonicalPath(request).orElse("/");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("X-Frame-Options", "DENY");
        boolean page = path.endsWith(".xhtml") || path.endsWith("/");
        response.setHeader("Content-Security-Policy", page ? PAGE_POLICY : DATA_POLICY);
        if (!isFile(path)) {
            response.setHeader("Cache-Control", "no-store");
        }
        chain.doFilter(request, response);
    }

    private static boolean isFile(String path) {
        return path.startsWith("/images/") || path.startsWith("/boot/") || path.startsWith("/resources/")
                || path.startsWith("/jakarta.faces.resource/");
    }
}
