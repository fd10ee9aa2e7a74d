package io.rpideploy.security.boundary;

import io.rpideploy.security.control.ConsoleSessions;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;

/**
 * Every HTTP session starts short-lived ({@link ConsoleSessions#ANONYMOUS_SECONDS}); {@link LoginMechanism} gives
 * it the console's full timeout when a user logs in. A session created while the server is at its cap ends at once.
 */
@WebListener
public class SessionLimits implements HttpSessionListener {

    @Inject
    ConsoleSessions sessions;

    @Override
    public void sessionCreated(HttpSessionEvent event) {
        boolean overCap = sessions.opened();
        event.getSession().setMaxInactiveInterval(overCap ? 1 : ConsoleSessions.ANONYMOUS_SECONDS);
    }

    @Override
    public void sessionDestroyed(HttpSessionEvent event) {
        sessions.closed();
    }
}
