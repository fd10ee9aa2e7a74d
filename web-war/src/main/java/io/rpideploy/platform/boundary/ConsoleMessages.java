package io.rpideploy.platform.boundary;

import io.rpideploy.platform.control.DomainException;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.component.UIInput;
import jakarta.faces.context.FacesContext;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/** How console pages report: a refusal beside the input it is about, notices at the top, times in local time. */
public final class ConsoleMessages {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
            .withZone(ZoneId.systemDefault());

    private ConsoleMessages() {
    }

    public static void info(String text) {
        FacesContext.getCurrentInstance().addMessage(null, new FacesMessage(FacesMessage.SEVERITY_INFO, text, null));
    }

    /**
     * Shows a service's refusal beside the input named by its field (API field name → input id in {@code form}),
     * or at the top when it names none; marks the request failed so an open dialog stays open.
     */
    public static void show(String form, Map<String, String> inputs, DomainException refused) {
        String input = refused.field() == null ? null : inputs.get(refused.field());
        refuse(input == null ? null : form + ":" + input, refused.getMessage());
    }

    /** An error message for one component (or the page when null), outlined in red as a failed validator would. */
    public static void refuse(String clientId, String message) {
        FacesContext faces = FacesContext.getCurrentInstance();
        faces.addMessage(clientId, new FacesMessage(FacesMessage.SEVERITY_ERROR, message, null));
        if (clientId != null && faces.getViewRoot().findComponent(clientId) instanceof UIInput input) {
            input.setValid(false);
        }
        faces.validationFailed();
    }

    public static String when(Instant instant) {
        return instant == null ? "" : WHEN.format(instant);
    }
}
