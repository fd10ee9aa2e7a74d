package io.rpideploy.security.boundary;

import io.rpideploy.platform.boundary.ApiErrors;
import io.rpideploy.platform.control.ListenerPolicy;
import io.rpideploy.security.control.AccountIdentityStore;
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
import java.util.Base64;
import java.util.Optional;

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

    @Inject
    ListenerPolicy listeners;

    // our one store, called directly: the generic IdentityStoreHandler adds per-request lookups we do not need
    @Inject
    AccountIdentityStore identityStore;

    @Inject
    UserService users;

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
                                                HttpMessageContext context) {
        if (listeners.onDeploymentListener(request) || !listeners.allowed(request)) {
            return context.doNothing(); // no login on the Pis' side; a wrong-listener path is ListenerFilter's 404
        }
        if (context.isAuthenticationRequest() && context.getAuthParameters().getCredential() != null) {
            return consoleLogin(request, context, context.getAuthParameters().getCredential());
        }
        String path = ListenerPolicy.path(request);
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
        return context.redirect(request.getContextPath() + LOGIN_PAGE + "?next="
                + URLEncoder.encode(next, StandardCharsets.UTF_8));
    }

    /** The console's login form calls {@code SecurityContext.authenticate} with the typed credential. */
    private AuthenticationStatus consoleLogin(HttpServletRequest request, HttpMessageContext context,
                                              Credential credential) {
        CredentialValidationResult result = identityStore.validate(credential);
        if (result.getStatus() != CredentialValidationResult.Status.VALID) {
            return AuthenticationStatus.SEND_FAILURE;
        }
        HttpSession old = request.getSession(false);
        if (old != null) {
            old.invalidate(); // a fresh session id after login: no session fixation
        }
        request.getSession(true).setAttribute(SESSION_USER, result.getCallerPrincipal().getName());
        return context.notifyContainerAboutLogin(result);
    }

    private AuthenticationStatus basic(HttpServletRequest request, HttpServletResponse response,
                                       HttpMessageContext context) {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            Optional<UsernamePasswordCredential> credential = decode(header.substring(6).trim());
            if (credential.isPresent()) {
                CredentialValidationResult result = identityStore.validate(credential.get());
                if (result.getStatus() == CredentialValidationResult.Status.VALID) {
                    return context.notifyContainerAboutLogin(result);
                }
            }
            return unauthorized(response, "Wrong user name or password");
        }
        // a console page calling the API from the browser carries the session instead
        Optional<UserAccount> sessionUser = sessionUser(request);
        if (sessionUser.isPresent()) {
            return context.notifyContainerAboutLogin(sessionUser.get().getUsername(),
                    sessionUser.get().getRole().groups());
        }
        return unauthorized(response, "Log in with HTTP Basic authentication to use the management API");
    }

    private static AuthenticationStatus unauthorized(HttpServletResponse response, String message) {
        try {
            response.setHeader("WWW-Authenticate", "Basic realm=\"rpi-deploy\", charset=\"UTF-8\"");
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
