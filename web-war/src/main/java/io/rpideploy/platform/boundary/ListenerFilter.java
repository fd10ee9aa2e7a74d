package io.rpideploy.platform.boundary;

import io.rpideploy.platform.control.ListenerPolicy;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Answers 400 to a path in any but its canonical spelling and 404 to a path that belongs to the other listener,
 * before anything else sees the request ({@code LoginMechanism} applies the same rule even earlier).
 */
public class ListenerFilter extends HttpFilter {

    @Inject
    ListenerPolicy policy;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (ListenerPolicy.canonicalPath(request).isEmpty()) {
            ApiErrors.write(response, 400, "bad_path", "The request path is not in its canonical spelling");
            return;
        }
        if (!policy.allowed(request)) {
            ApiErrors.write(response, 404, "not_found", "No such path on this listener");
            return;
        }
        chain.doFilter(request, response);
    }
}
