package io.rpideploy.security.boundary;

import io.rpideploy.platform.entity.Role;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.faces.event.PhaseEvent;
import jakarta.faces.event.PhaseId;
import jakarta.faces.event.PhaseListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The login is a property of every console page itself, not of the path it was asked by: once a request has become
 * a Faces view (however its URL was spelled, forwarded or welcome-filed), the view needs a logged-in user, the
 * Users pages an admin and the Audit page an operator. Runs after the view is known and before any of its values or
 * actions are touched.
 */
public class ConsoleAccess implements PhaseListener {

    private static final long serialVersionUID = 1L;

    @Override
    public PhaseId getPhaseId() {
        return PhaseId.RESTORE_VIEW;
    }

    @Override
    public void afterPhase(PhaseEvent event) {
        FacesContext faces = event.getFacesContext();
        if (faces.getViewRoot() == null) {
            return;
        }
        String view = faces.getViewRoot().getViewId();
        if (view.equals(LoginMechanism.LOGIN_PAGE)) {
            return;
        }
        ExternalContext external = faces.getExternalContext();
        try {
            if (external.getUserPrincipal() == null) {
                external.redirect(external.getRequestContextPath() + LoginMechanism.LOGIN_PAGE);
                faces.responseComplete();
            } else if (view.startsWith("/users/") && !external.isUserInRole(Role.ADMIN_NAME)) {
                external.responseSendError(HttpServletResponse.SC_FORBIDDEN, "Admins only");
                faces.responseComplete();
            } else if (view.startsWith("/audit/") && !external.isUserInRole(Role.OPERATOR_NAME)) {
                external.responseSendError(HttpServletResponse.SC_FORBIDDEN, "Operators and admins only");
                faces.responseComplete();
            }
        } catch (IOException clientGone) {
            throw new UncheckedIOException(clientGone);
        }
    }

    @Override
    public void beforePhase(PhaseEvent event) {
        // the view id is not known yet
    }
}
