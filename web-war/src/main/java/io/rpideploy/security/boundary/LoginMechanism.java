package io.rpideploy.security.boundary;

import io.rpideploy.platform.boundary.AccessLog;
import io.rpideploy.platform.boundary.ApiErrors;
import io.rpideploy.platform.control.ListenerPolicy;
import io.rpideploy.platform.control.MonitoringEndpoints;
import io.rpideploy.security.control.AccountIdentityStore;
import io.rpideploy.security.control.ConsoleSessions;
import io.rpideploy.security.control.LoginThrottle;
import io.rpideploy.security.control.UserService;
import io.rpideploy.security.entity.UserAccount;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.security.enterprise.credential.Credential;
import jakarta.security.enterprise.credential.Password;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * One authentication mechanism for the two kinds of client of the management listener (Jakarta Security 3 allows
 * one per application): HTTP Basic for {@code /api/*} (scripts, curl), and a form login with a session for the
 * console. The deployment listener has no login at all: Pis have no credentials.
 */
@ApplicationScoped
public class LoginMechanism implements HttpAuthenticationMechanism {

    static final String SESSION_USER = "rpideploy.user";
    static final String LOGIN_PAGE = "/login.xhtml";
    /** The live-update WebSocket: like the API, a refused handshake is a 401, never a redirect to a login page. */
    static final String LIVE = "/live";
    /** Session attribute holding the anti-CSRF token that console scripts send back in {@link #CSRF_HEADER}. */
    static final String SESSION_CSRF = "rpideploy.csrf";
    static final String CSRF_HEADER = "X-CSRF-Token";

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    @Inject
    ListenerPolicy listeners;

    // our one store, called directly: the generic IdentityStoreHandler adds per-request lookups we do not need
    @Inject
    AccountIdentityStore identityStore;

    @Inject
    UserService users;

    @Inject
    ConsoleSessions sessions;

    @Inject
    LoginThrottle throttle;

    @Inject
    MonitoringEndpoints monitoring;

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
                                                HttpMessageContext context) {
        AccessLog.remember(request, response); // every request's line needs its response, refused ones too
        // the first application code a request meets: a path in any spelling but its canonical one goes no further,
        // on either listener, so no later check can be taken on one spelling and the route on another
        Optional<String> canonical = ListenerPolicy.canonicalPath(request);
        if (canonical.isEmpty()) {
            return refuse(response, 400, "bad_path", "The request path is not in its canonical spelling");
        }
        if (listeners.onDeploymentListener(request) || !listeners.allowed(request)) {
            return context.doNothing(); // no login on the Pis' side; a wrong-listener path is ListenerFilter's 404
        }
        if (context.isAuthenticationRequest() && context.getAuthParameters().getCredential() != null) {
            return consoleLogin(request, context, context.getAuthParameters().getCredential());
        }
        String path = canonical.get();
        if (path.equals(LIVE) && !SameOrigin.holds(request)) {
            // browsers always send Origin on a WebSocket handshake; a page of another site must not listen in
            return refuse(response, 403, "forbidden", "Cross-origin WebSocket connections are refused");
        }
        if (MonitoringEndpoints.isMonitoringPath(path)) {
            // a scraper logs in like an API client (401, never the login page), unless the setting opens the path
            return monitoring.open(path) ? context.doNothing() : basic(request, response, context);
        }
        if (path.startsWith("/api/") || path.equals(LIVE)) {
            return basic(request, response, context);
        }
        Optional<UserAccount> sessionUser = sessionUser(request);
        if (sessionUser.isPresent()) {
            return context.notifyContainerAboutLogin(sessionUser.get().getUsername(),
                    sessionUser.get().getRole().groups());
        }
        if (isPublic(path)) {
            return context.doNothing();
        }
        String next = request.getRequestURI() + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
        // a cookie of a session that no longer exists (idle timeout, restart): the login page says so
        boolean ended = request.getRequestedSessionId() != null && !request.isRequestedSessionIdValid();
        return context.redirect(request.getContextPath() + LOGIN_PAGE + "?next="
                + URLEncoder.encode(next, StandardCharsets.UTF_8) + (ended ? "&ended=true" : ""));
    }

    /** The console's login form calls {@code SecurityContext.authenticate} with the typed credential. */
    private AuthenticationStatus consoleLogin(HttpServletRequest request, HttpMessageContext context,
                                              Credential credential) {
        if (!(credential instanceof UsernamePasswordCredential login)) {
            return AuthenticationStatus.SEND_FAILURE;
        }
        CredentialValidationResult result = throttled(login, request);
        if (result == null || result.getStatus() != CredentialValidationResult.Status.VALID) {
            return AuthenticationStatus.SEND_FAILURE; // LoginView says why
        }
        HttpSession old = request.getSession(false);
        if (old != null) {
            old.invalidate(); // a fresh session id after login: no session fixation
        }
        if (!sessions.roomForLogin()) {
            return AuthenticationStatus.SEND_FAILURE; // LoginView says why
        }
        HttpSession session = request.getSession(true);
        session.setMaxInactiveInterval(sessions.loggedInSeconds());
        session.setAttribute(SESSION_USER, result.getCallerPrincipal().getName());
        session.setAttribute(SESSION_CSRF, ConsoleSessions.newToken());
        return context.notifyContainerAboutLogin(result);
    }

    private AuthenticationStatus basic(HttpServletRequest request, HttpServletResponse response,
                                       HttpMessageContext context) {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            Optional<UsernamePasswordCredential> credential = decode(header.substring(6).trim());
            if (credential.isPresent()) {
                CredentialValidationResult result = throttled(credential.get(), request);
                if (result == null) {
                    response.setHeader("Retry-After", String.valueOf(Math.max(1, throttle.lockedFor(
                            credential.get().getCaller(), request.getRemoteAddr()).orElse(Duration.ZERO)
                            .toSeconds())));
                    return refuse(response, 429, "too_many_attempts",
                            "Too many failed logins for this user or from this address; try again later");
                }
                if (result.getStatus() == CredentialValidationResult.Status.VALID) {
                    return context.notifyContainerAboutLogin(result);
                }
            }
            return unauthorized(request, response, "Wrong user name or password");
        }
        // a console page calling the API from the browser carries the session instead; a write must also carry the
        // session's anti-CSRF token and come from our own origin, or any site the user visits could send it
        Optional<UserAccount> sessionUser = sessionUser(request);
        if (sessionUser.isPresent()) {
            if (!SAFE_METHODS.contains(request.getMethod())) {
                HttpSession session = request.getSession(false);
                Object token = session == null ? null : session.getAttribute(SESSION_CSRF);
                if (!SameOrigin.holds(request) || !(token instanceof String expected)
                        || !ConsoleSessions.tokenMatches(expected, request.getHeader(CSRF_HEADER))) {
                    return refuse(response, 403, "csrf",
                            "A change made with the console's session needs the page's " + CSRF_HEADER
                                    + " header from the same origin");
                }
            }
            return context.notifyContainerAboutLogin(sessionUser.get().getUsername(),
                    sessionUser.get().getRole().groups());
        }
        return unauthorized(request, response, "Log in with HTTP Basic authentication to use the management API");
    }

    /**
     * The identity store's verdict, unless the account or the address is locked out after failed attempts (then
     * null, and the password is not even looked at). Every failure is counted and audited.
     */
    private CredentialValidationResult throttled(UsernamePasswordCredential credential, HttpServletRequest request) {
        String address = request.getRemoteAddr();
        if (throttle.lockedFor(credential.getCaller(), address).isPresent()) {
            return null;
        }
        CredentialValidationResult result = identityStore.validate(credential);
        if (result.getStatus() == CredentialValidationResult.Status.VALID) {
            throttle.succeeded(credential.getCaller(), address);
        } else {
            Duration lock = throttle.failed(credential.getCaller(), address);
            users.recordFailedLogin(credential.getCaller(), address, lock);
        }
        return result;
    }

    private static AuthenticationStatus refuse(HttpServletResponse response, int status, String error,
                                               String message) {
        try {
            ApiErrors.write(response, status, error, message);
        } catch (IOException clientGone) {
            // nothing to tell a client that has disconnected
        }
        return AuthenticationStatus.SEND_FAILURE;
    }

    private static AuthenticationStatus unauthorized(HttpServletRequest request, HttpServletResponse response,
                                                     String message) {
        try {
            // a console page's own script (it says so) is not asked by the browser's login dialog: it handles 401
            if (!"XMLHttpRequest".equals(request.getHeader("X-Requested-With"))) {
                response.setHeader("WWW-Authenticate", "Basic realm=\"rpi-deploy\", charset=\"UTF-8\"");
            }
            ApiErrors.write(response, 401, "unauthorized", message);
        } catch (IOException clientGone) {
            // nothing to tell a client that has disconnected
        }
        return AuthenticationStatus.SEND_FAILURE;
    }

    private Optional<UserAccount> sessionUser(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        Object name = session == null ? null : session.getAttribute(SESSION_USER);
        if (!(name instanceof String username)) {
            return Optional.empty();
        }
        // re-read every time: a disabled user or a changed role takes effect on the next click
        Optional<UserAccount> user = users.find(username).filter(UserAccount::isEnabled);
        if (user.isEmpty()) {
            session.invalidate();
        }
        return user;
    }

    private static Optional<UsernamePasswordCredential> decode(String token) {
        try {
            String decoded = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon <= 0) {
                return Optional.empty();
            }
            return Optional.of(new UsernamePasswordCredential(decoded.substring(0, colon),
                    new Password(decoded.substring(colon + 1))));
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
    }

    static boolean isPublic(String path) {
        return path.equals("/health") || path.equals(LOGIN_PAGE) || path.equals("/favicon.ico")
                || path.startsWith("/jakarta.faces.resource/") || path.startsWith("/javax.faces.resource/")
                || path.startsWith("/resources/");
    }
}
