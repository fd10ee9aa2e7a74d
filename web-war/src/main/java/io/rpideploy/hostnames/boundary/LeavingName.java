package io.rpideploy.hostnames.boundary;

import io.rpideploy.hostnames.control.HostnameService;
import io.rpideploy.platform.boundary.ConsoleMessages;
import io.rpideploy.platform.control.DomainException;
import java.io.Serializable;
import org.primefaces.PrimeFaces;

/**
 * A console page's release or retire of a hostname, with the dialog ({@code goneDialog}) for a board still imaging
 * under it. The refused hostname is kept with its action, so the user's confirmation acts on that name whatever the
 * page shows by then. Kept by a view-scoped page, one per page.
 */
public class LeavingName implements Serializable {

    private static final long serialVersionUID = 1L;

    private String hostname;
    private String action;
    private String message;

    /**
     * Releases or retires {@code hostname} ({@code action} {@code release} or {@code retire}); a refusal for a
     * board still imaging (field {@code board_gone}) is kept and opens the dialog, another is shown. True when done.
     */
    public boolean leave(HostnameService hostnames, String hostname, String action) {
        clear();
        try {
            run(hostnames, hostname, action, false);
            return true;
        } catch (DomainException refused) {
            if ("board_gone".equals(refused.field())) {
                this.hostname = hostname;
                this.action = action;
                this.message = refused.getMessage();
                PrimeFaces.current().ajax().update("goneDialog");
                PrimeFaces.current().executeScript("PF('goneDialog').show()");
            } else {
                ConsoleMessages.refuse(null, refused.getMessage());
            }
            return false;
        }
    }

    /** The user confirmed the board is gone: the refused name is released or retired, its run interrupted. */
    public boolean confirm(HostnameService hostnames) {
        if (hostname == null) {
            return false;
        }
        try {
            run(hostnames, hostname, action, true);
            return true;
        } catch (DomainException refused) {
            ConsoleMessages.refuse(null, refused.getMessage());
            return false;
        } finally {
            clear();
        }
    }

    /** Nothing waits for a confirmation any more (another kart opened, the dialog answered). */
    public void clear() {
        hostname = null;
        action = null;
        message = null;
    }

    private static void run(HostnameService hostnames, String hostname, String action, boolean boardGone) {
        if (action.equals("release")) {
            hostnames.release(hostname, boardGone);
        } else {
            hostnames.retire(hostname, boardGone);
        }
        ConsoleMessages.info(hostname + (action.equals("release") ? " released" : " retired")
                + (boardGone ? "; the board's unfinished deployment is marked interrupted" : ""));
    }

    /** The name waiting for the confirmation, or null. */
    public String getHostname() { return hostname; }
    public String getAction() { return action; }
    public String getMessage() { return message; }
}
