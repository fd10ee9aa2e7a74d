package io.rpideploy.security.boundary;

import io.rpideploy.security.control.ConsoleSessions;
import io.rpideploy.security.control.LoginThrottle;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.SecurityContext;
import jakarta.security.enterprise.authentication.mechanism.http.AuthenticationParameters;
import jakarta.security.enterprise.credential.Password;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The console's login form: hands the typed credentials to {@link LoginMechanism} through Jakarta Security. */
@Named
@RequestScoped
public class LoginView {

    @Inject
    SecurityContext security;

    @Inject
    FacesContext faces;

    @Inject
    ConsoleSessions sessions;

    @Inject
    LoginThrottle throttle;

    private String username;
    private String password;
    private String next;
    private boolean ended;

    public void login() throws IOException {
        ExternalContext external = faces.getExternalContext();
        AuthenticationStatus status = security.authenticate(
                (HttpServletRequest) external.getRequest(), (HttpServletResponse) external.getResponse(),
                AuthenticationParameters.withParams().newAuthentication(true)
                        .credential(new UsernamePasswordCredential(username == null ? "" : username.trim(),
                                new Password(password == null ? "" : password))));
        if (status == AuthenticationStatus.SUCCESS) {
            external.redirect(safeNext(external.getRequestContextPath()));
            faces.responseComplete();
        } else if (throttle.lockedFor(username == null ? "" : username.trim(),
                ((HttpServletRequest) external.getRequest()).getRemoteAddr()).isPresent()) {
            faces.addMessage("login:password", new FacesMessage(FacesMessage.SEVERITY_ERROR,
                    "Too many failed logins; wait a while before you try again", null));
        } else if (!sessions.roomForLogin()) {
            faces.addMessage("login:password", new FacesMessage(FacesMessage.SEVERITY_ERROR,
                    "Too many console sessions are open; try again when one has ended", null));
        } else {
            faces.addMessage("login:password", new FacesMessage(FacesMessage.SEVERITY_ERROR,
                    "Wrong user name or password", null));
        }
    }

    public void logout() throws IOException {
        ExternalContext external = faces.getExternalContext();
        external.invalidateSession();
        external.redirect(external.getRequestContextPath() + LoginMechanism.LOGIN_PAGE);
    }

    /** Only a path inside this application: never redirect to another site (open redirect). */
    private String safeNext(String context) {
        if (next != null && next.startsWith("/") && !next.startsWith("//") && !next.contains("\\")
                && !next.contains("login.xhtml")) {
            return next;
        }
        return context + "/index.xhtml";
    }

    public String getUsername() { return username; }
    public void setUsername(String username) { this.username = username; }
    public String getPassword() { return password; }
    public void setPassword(String password) { this.password = password; }
    public boolean isEnded() { return ended; }
    public void setEnded(boolean ended) { this.ended = ended; }
    public String getNext() { return next; }
    public void setNext(String next) { this.next = next; }
}
