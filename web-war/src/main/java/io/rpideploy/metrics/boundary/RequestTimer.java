package io.rpideploy.metrics.boundary;

import io.rpideploy.metrics.control.Metrics;
import io.rpideploy.platform.boundary.WhenComplete;
import io.rpideploy.platform.control.ListenerPolicy;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Times every request that reaches the application's filters, per listener, until its response is complete: an
 * asynchronous one (an image sent with sendfile) when it completes. Requests the login refuses before any filter
 * (401 from {@code LoginMechanism}) are not timed.
 */
public class RequestTimer extends HttpFilter {

    @Inject
    Metrics metrics;

    @Inject
    ListenerPolicy listeners;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        long start = System.nanoTime();
        String listener = listeners.onDeploymentListener(request) ? "deployment" : "management";
        boolean async = false;
        try {
            chain.doFilter(request, response);
            async = request.isAsyncStarted();
            if (async) {
                request.getAsyncContext().addListener((WhenComplete) event ->
                        metrics.registry().request(listener, System.nanoTime() - start));
            }
        } finally {
            if (!async) {
                metrics.registry().request(listener, System.nanoTime() - start);
            }
        }
    }
}
