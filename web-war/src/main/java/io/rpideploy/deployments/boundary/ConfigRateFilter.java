package io.rpideploy.deployments.boundary;

import io.rpideploy.deployments.control.ConfigRate;
import io.rpideploy.deployments.control.ConfigRate.Admission;
import io.rpideploy.platform.boundary.ApiErrors;
import io.rpideploy.platform.control.ListenerPolicy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link ConfigRate}'s decision, taken before the body is read or JAX-RS sees the request, so a refusal costs
 * little. A held refusal does not hold a thread: the request waits in async mode and is dispatched back here (an
 * ASYNC dispatch, on a container thread) to be answered, so the container ends it where it began it. Mapped in
 * web.xml to {@code /api/*} (every spelling JAX-RS would route here), after the listener check and before the body
 * limits.
 */
public class ConfigRateFilter extends HttpFilter {

    private static final String CONFIG = "/api/config";
    private static final String HELD = ConfigRateFilter.class.getName() + ".held";

    @Inject
    ConfigRate rate;

    @Inject
    ListenerPolicy listeners;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.getDispatcherType() == DispatcherType.ASYNC) {
            Held held = (Held) request.getAttribute(HELD);
            if (held != null) {
                held.answer(response);
                return;
            }
            chain.doFilter(request, response);
            return;
        }
        String path = ListenerPolicy.canonicalPath(request).orElse("");
        if (!"POST".equals(request.getMethod()) || !listeners.onDeploymentListener(request)
                || !(path.equals(CONFIG) || path.equals(CONFIG + "/"))) {
            chain.doFilter(request, response);
            return;
        }
        String ip = request.getRemoteAddr();
        Admission admission = rate.admit(ip);
        if (admission.admitted()) {
            chain.doFilter(request, response);
        } else if (!admission.held()) {
            response.setHeader("Connection", "close"); // too many held already: the client reconnects to ask again
            refuse(response, admission, ip);
        } else {
            hold(request, new Held(ip, admission));
        }
    }

    private void hold(HttpServletRequest request, Held held) {
        request.setAttribute(HELD, held);
        AsyncContext async;
        try {
            async = request.startAsync();
        } catch (IllegalStateException noAsync) {
            held.done.set(true);
            rate.released(held.ip); // its place must not stay taken
            throw noAsync;
        }
        async.setTimeout(held.admission.holdMillis() + 30_000);
        async.addListener(held);
        try {
            scheduler.schedule(() -> {
                if (!held.done.get()) {
                    async.dispatch();
                }
            }, held.admission.holdMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException shuttingDown) {
            async.dispatch(); // no scheduler (the application stops): answer now
        }
    }

    private void refuse(HttpServletResponse response, Admission admission, String ip) throws IOException {
        response.setHeader("Retry-After", String.valueOf(admission.retryAfter()));
        ApiErrors.write(response, 429, "too_many_requests", rate.refusalMessage(ip));
    }

    /** One held refusal: answered once, its place released once, however the request ends. */
    private final class Held implements AsyncListener {
        final String ip;
        final Admission admission;
        final AtomicBoolean done = new AtomicBoolean();

        Held(String ip, Admission admission) {
            this.ip = ip;
            this.admission = admission;
        }

        void answer(HttpServletResponse response) throws IOException {
            if (done.compareAndSet(false, true)) {
                rate.released(ip);
                refuse(response, admission, ip);
            }
        }

        @Override
        public void onComplete(AsyncEvent event) {
            if (done.compareAndSet(false, true)) {
                rate.released(ip); // the client went away before its answer
            }
        }

        @Override
        public void onTimeout(AsyncEvent event) throws IOException {
            // the scheduler never ran it: answer here; the container completes the request after this listener
            answer((HttpServletResponse) event.getSuppliedResponse());
            event.getAsyncContext().complete();
        }

        @Override
        public void onError(AsyncEvent event) {
            onComplete(event);
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // not restarted
        }
    }
}
