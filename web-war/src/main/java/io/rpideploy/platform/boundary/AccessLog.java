package io.rpideploy.platform.boundary;

import io.rpideploy.platform.control.AccessLogFile;
import jakarta.inject.Inject;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The HTTP access log of both listeners, as the plan's nginx kept: one line per request when it has ended (an
 * asynchronous one when it completes), every request the application sees, those its login refuses included.
 * Written: address, user, time, request line, status, bytes (the Content-Length sent, "-" when chunked),
 * milliseconds taken, User-Agent; never a body nor any other header (not Authorization, Cookie or X-CSRF-Token);
 * no query parameter of either API carries a secret.
 *
 * <p>Why not Payara's access log: its valve puts the request pipeline on the path that ends an asynchronous
 * request's CDI contexts on whatever thread completes it (Payara issue 2261), so every asynchronous request left
 * its contexts on the thread that began it (WELD-000714/000225/000335/000715).
 */
@WebListener
public class AccessLog implements ServletRequestListener, ServletContextListener {

    private static final String RESPONSE = AccessLog.class.getName() + ".response";
    private static final String START = AccessLog.class.getName() + ".start";
    private static final String LOGGED = AccessLog.class.getName() + ".logged";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

    @Inject
    @ConfigProperty(name = "rpideploy.access-log.enabled", defaultValue = "true")
    boolean enabled;

    @Inject
    @ConfigProperty(name = "rpideploy.access-log.keep", defaultValue = "30")
    int keep;

    @Inject
    @ConfigProperty(name = "rpideploy.home", defaultValue = "./data")
    String home;

    @Inject
    Clock clock;

    private volatile AccessLogFile file;

    /** The response of this request, for its line: the login, the first code every request meets, keeps it. */
    public static void remember(HttpServletRequest request, HttpServletResponse response) {
        request.setAttribute(RESPONSE, response);
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        if (enabled) {
            file = new AccessLogFile(Path.of(home, "logs", "access"), keep, clock);
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        AccessLogFile open = file;
        file = null;
        if (open != null) {
            open.close();
        }
    }

    @Override
    public void requestInitialized(ServletRequestEvent event) {
        if (file != null && event.getServletRequest().getAttribute(START) == null) {
            event.getServletRequest().setAttribute(START, System.nanoTime());
        }
    }

    @Override
    public void requestDestroyed(ServletRequestEvent event) {
        AccessLogFile out = file;
        if (out == null || !(event.getServletRequest() instanceof HttpServletRequest request)
                || request.getDispatcherType() != DispatcherType.REQUEST || request.getAttribute(LOGGED) != null) {
            return;
        }
        request.setAttribute(LOGGED, Boolean.TRUE);
        if (request.isAsyncStarted()) {
            try {
                request.getAsyncContext().addListener((WhenComplete) ended -> out.write(line(request, clock)));
                return;
            } catch (IllegalStateException completedMeanwhile) {
                // ended already: its line now
            }
        }
        out.write(line(request, clock));
    }

    static String line(HttpServletRequest request, Clock clock) {
        Object start = request.getAttribute(START);
        long millis = start instanceof Long nanos ? (System.nanoTime() - nanos) / 1_000_000 : -1;
        HttpServletResponse response = (HttpServletResponse) request.getAttribute(RESPONSE);
        String status = response == null ? "-" : String.valueOf(response.getStatus());
        String length = response == null ? null : response.getHeader("Content-Length");
        String target = request.getRequestURI() + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
        StringBuilder line = new StringBuilder(160);
        quoted(line, request.getRemoteAddr()).append(' ');
        quoted(line, request.getRemoteUser() == null ? "-" : request.getRemoteUser()).append(' ');
        // the files' clock: a line is in its own day's file
        quoted(line, ZonedDateTime.now(clock).format(TIME)).append(' ');
        quoted(line, request.getMethod() + " " + target + " " + request.getProtocol()).append(' ');
        line.append(status).append(' ').append(length == null ? "-" : length).append(' ');
        quoted(line, millis < 0 ? "-" : String.valueOf(millis)).append(' ');
        String agent = request.getHeader("User-Agent");
        return quoted(line, agent == null ? "-" : agent).toString();
    }

    /** A field in quotes; a quote, a backslash and control characters escaped (no line can be forged). */
    static StringBuilder quoted(StringBuilder line, String value) {
        line.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                line.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                line.append(String.format("\\x%02x", (int) c));
            } else {
                line.append(c);
            }
        }
        return line.append('"');
    }
}
