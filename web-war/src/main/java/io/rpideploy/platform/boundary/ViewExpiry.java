package io.rpideploy.platform.boundary;

import jakarta.faces.FacesException;
import jakarta.faces.application.ViewExpiredException;
import jakarta.faces.context.ExceptionHandler;
import jakarta.faces.context.ExceptionHandlerFactory;
import jakarta.faces.context.ExceptionHandlerWrapper;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.faces.event.ExceptionQueuedEvent;
import java.io.IOException;
import java.util.Iterator;
import java.util.logging.Logger;

/**
 * A console form posted with a view state the server does not hold (the session ended, the server restarted, or
 * someone made it up) is an everyday event, not a failure: the page is loaded afresh and one line is logged, never
 * a stack trace per request.
 */
public class ViewExpiry extends ExceptionHandlerFactory {

    private static final Logger LOG = Logger.getLogger(ViewExpiry.class.getName());

    public ViewExpiry(ExceptionHandlerFactory wrapped) {
        super(wrapped);
    }

    @Override
    public ExceptionHandler getExceptionHandler() {
        return new Handler(getWrapped().getExceptionHandler());
    }

    private static final class Handler extends ExceptionHandlerWrapper {

        Handler(ExceptionHandler wrapped) {
            super(wrapped);
        }

        @Override
        public void handle() throws FacesException {
            Iterator<ExceptionQueuedEvent> events = getUnhandledExceptionQueuedEvents().iterator();
            while (events.hasNext()) {
                Throwable failure = events.next().getContext().getException();
                while (failure instanceof FacesException && !(failure instanceof ViewExpiredException)
                        && failure.getCause() != null) {
                    failure = failure.getCause();
                }
                if (failure instanceof ViewExpiredException expired) {
                    events.remove();
                    reload(expired.getViewId());
                }
            }
            getWrapped().handle();
        }

        private static void reload(String viewId) {
            FacesContext faces = FacesContext.getCurrentInstance();
            ExternalContext external = faces.getExternalContext();
            LOG.info(() -> "Console form posted with an unknown or expired view state for " + viewId
                    + " from " + ((jakarta.servlet.http.HttpServletRequest) external.getRequest()).getRemoteAddr()
                    + "; the page is reloaded");
            try {
                String target = viewId != null && viewId.startsWith("/") && !viewId.contains("//") ? viewId
                        : "/index.xhtml";
                external.redirect(external.getRequestContextPath() + target);
            } catch (IOException clientGone) {
                // nothing to answer
            }
            faces.responseComplete();
        }
    }
}
