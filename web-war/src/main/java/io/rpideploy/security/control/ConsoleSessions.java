package io.rpideploy.security.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * How long console sessions live and how many there may be. A session exists only after a login (the login page
 * is stateless); one that something else creates anyway lives {@link #ANONYMOUS_SECONDS} and counts against the
 * cap like any other, so no anonymous client can fill the heap with sessions.
 */
@ApplicationScoped
public class ConsoleSessions {

    /** Lifetime of a session that never logged in. */
    public static final int ANONYMOUS_SECONDS = 60;

    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    @ConfigProperty(name = "rpideploy.console.session-timeout-minutes", defaultValue = "480")
    int timeoutMinutes;

    @Inject
    @ConfigProperty(name = "rpideploy.console.max-sessions", defaultValue = "200")
    int maxSessions;

    private final AtomicInteger live = new AtomicInteger();

    /** A new session: counted; true when it is over the cap and must not be kept. */
    public boolean opened() {
        return live.incrementAndGet() > maxSessions;
    }

    public void closed() {
        live.decrementAndGet();
    }

    /** Whether one more logged-in session may be created now. */
    public boolean roomForLogin() {
        return live.get() < maxSessions;
    }

    public int loggedInSeconds() {
        return timeoutMinutes * 60;
    }

    /** A per-session anti-CSRF token: 256 random bits, URL-safe. */
    public static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Constant-time comparison: the token must not leak by timing. */
    public static boolean tokenMatches(String expected, String given) {
        return expected != null && given != null && MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
