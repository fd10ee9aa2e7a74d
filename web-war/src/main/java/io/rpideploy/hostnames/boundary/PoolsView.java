package io.rpideploy.hostnames.boundary;

import io.rpideploy.platform.boundary.ConsoleMessages;

import io.rpideploy.hostnames.control.HostnameService;
import io.rpideploy.hostnames.control.KartNumberCsv;
import io.rpideploy.hostnames.control.KartNumberParser;
import io.rpideploy.hostnames.entity.SlotStatus;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.platform.entity.Role;
import io.rpideploy.venues.control.VenueService;
import io.rpideploy.venues.entity.Venue;
import jakarta.annotation.PostConstruct;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.primefaces.PrimeFaces;
import org.primefaces.model.file.UploadedFile;

/**
 * The console's pool page: one venue's kart numbers, imported from range text or a CSV file, and its slots with
 * release, retire, pin and replace.
 */
@Named
@ViewScoped
public class PoolsView implements Serializable {

    private static final long serialVersionUID = 1L;
    /** Same limit as the servlet's multipart-config; a kart-number list is a few kilobytes. */
    private static final long MAX_CSV_BYTES = 1024 * 1024;

    @Inject
    VenueService venues;

    @Inject
    HostnameService hostnames;

    private List<Venue> venueList;
    private String venueCode;
    private String status = "";
    private String numbers;
    private transient UploadedFile file;
    private ImportView result;
    private SlotTableView slots;
    private String goneHostname;
    private String goneAction;
    private String goneMessage;
    private String actionHostname;
    private String actionMode = "pin";
    private String actionSerial;

    @PostConstruct
    void init() {
        venueList = venues.list();
        String wanted = FacesContext.getCurrentInstance().getExternalContext().getRequestParameterMap().get("venue");
        venueCode = venueList.stream().map(Venue::getCode).filter(code -> code.equalsIgnoreCase(String.valueOf(wanted)))
                .findFirst().orElse(venueList.isEmpty() ? null : venueList.get(0).getCode());
        slots = new SlotTableView(hostnames);
        showSlots();
    }

    public boolean isOperator() {
        return FacesContext.getCurrentInstance().getExternalContext().isUserInRole(Role.OPERATOR_NAME);
    }

    /** Another venue picked: its slots, and no leftover result of the previous venue's import. */
    public void venueChanged() {
        result = null;
        showSlots();
    }

    public void statusChanged() {
        showSlots();
    }

    private void showSlots() {
        slots.show(venueCode, SlotStatus.parse(status).orElse(null));
    }

    public void importNumbers() {
        if (!allowed()) {
            return;
        }
        if (numbers == null || numbers.isBlank()) {
            ConsoleMessages.refuse("import:numbers", "Enter kart numbers, e.g. 1-50, 55, 60-70");
            return;
        }
        run("import:numbers", () -> KartNumberParser.parse(List.of(numbers)));
        if (result != null) {
            numbers = null;
        }
    }

    public void importCsv() {
        if (!allowed()) {
            return;
        }
        if (file == null || file.getSize() == 0) {
            ConsoleMessages.refuse("upload:csv", "Choose a CSV file of kart numbers");
            return;
        }
        if (file.getSize() > MAX_CSV_BYTES) {
            ConsoleMessages.refuse("upload:csv", "The file is larger than 1 MB; a kart-number list is much smaller");
            return;
        }
        String text = new String(file.getContent(), StandardCharsets.UTF_8);
        String csv = text.startsWith("\uFEFF") ? text.substring(1) : text; // spreadsheets write a byte-order mark
        run("upload:csv", () -> KartNumberCsv.parse(csv));
        file = null;
    }

    /** Parses, imports, and shows the outcome; a refusal goes beside the input it came from. */
    private void run(String input, Supplier<KartNumberParser.Parsed> parse) {
        result = null;
        try {
            if (venueCode == null) {
                throw DomainException.invalid("venue_code", "Create a venue first");
            }
            result = ImportView.of(hostnames.importKartNumbers(venueCode, parse.get()));
        } catch (DomainException refused) {
            ConsoleMessages.refuse("venue_code".equals(refused.field()) ? "pick:venue" : input, refused.getMessage());
        }
    }

    public void release(SlotView slot) {
        leave(slot.hostname(), "release");
    }

    public void retire(SlotView slot) {
        leave(slot.hostname(), "retire");
    }

    /**
     * Release or retire; when a board is still imaging under the name, the refusal opens a dialog where the user
     * may confirm the board is gone (which interrupts its run).
     */
    private void leave(String hostname, String action) {
        if (!allowed()) {
            return;
        }
        try {
            run(hostname, action, false);
        } catch (DomainException refused) {
            if ("board_gone".equals(refused.field())) {
                goneHostname = hostname;
                goneAction = action;
                goneMessage = refused.getMessage();
                PrimeFaces.current().ajax().update("goneDialog");
                PrimeFaces.current().executeScript("PF('goneDialog').show()");
            } else {
                ConsoleMessages.refuse(null, refused.getMessage());
            }
        }
    }

    private void run(String hostname, String action, boolean boardGone) {
        if (action.equals("release")) {
            hostnames.release(hostname, boardGone);
        } else {
            hostnames.retire(hostname, boardGone);
        }
        ConsoleMessages.info(hostname + (action.equals("release") ? " released" : " retired")
                + (boardGone ? "; the board's unfinished deployment is marked interrupted" : ""));
    }

    /** The user confirmed in the dialog that the board imaging under the name is gone. */
    public void confirmGone() {
        if (!allowed() || goneHostname == null) {
            return;
        }
        change(() -> run(goneHostname, goneAction, true), null);
        goneHostname = null;
    }

    /** Opens the pin or replace dialog for one slot. */
    public void startAction(SlotView slot, String mode) {
        actionHostname = slot.hostname();
        actionMode = mode.equals("replace") ? "replace" : "pin";
        actionSerial = null;
    }

    /** Pins the name to the serial, or moves it to a replacement board; a refusal stays in the dialog. */
    public void applyAction() {
        if (!allowed() || actionHostname == null) {
            return;
        }
        try {
            if (actionMode.equals("replace")) {
                hostnames.replace(actionHostname, actionSerial);
                ConsoleMessages.info(actionHostname + " moved to board " + actionSerial.trim());
            } else {
                hostnames.pin(actionHostname, actionSerial);
                ConsoleMessages.info(actionHostname + " pinned to board " + actionSerial.trim()
                        + ": it gets this name when it next asks");
            }
            actionHostname = null;
        } catch (DomainException refused) {
            ConsoleMessages.refuse("slotAction:serial", refused.getMessage());
        }
    }

    public void unpin(SlotView slot) {
        if (allowed()) {
            change(() -> hostnames.unpin(slot.hostname()), slot.hostname() + " is any board's again");
        }
    }

    private static void change(Runnable action, String done) {
        FacesContext faces = FacesContext.getCurrentInstance();
        try {
            action.run();
            if (done != null) {
                faces.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_INFO, done, null));
            }
        } catch (DomainException refused) {
            faces.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_ERROR, refused.getMessage(), null));
        }
    }

    /** The page hides the buttons from viewers; this refuses a request crafted without them. */
    private boolean allowed() {
        if (isOperator()) {
            return true;
        }
        ConsoleMessages.refuse(null, "Your role may not change pools; it needs operator");
        return false;
    }

    public String when(Instant instant) {
        return ConsoleMessages.when(instant);
    }

    public List<Venue> getVenueList() { return venueList; }
    public String getVenueCode() { return venueCode; }
    public void setVenueCode(String venueCode) { this.venueCode = venueCode; }
    public String getStatus() { return status; }
    public void setStatus(String status) { this.status = status; }
    public String getNumbers() { return numbers; }
    public void setNumbers(String numbers) { this.numbers = numbers; }
    public UploadedFile getFile() { return file; }
    public void setFile(UploadedFile file) { this.file = file; }
    public ImportView getResult() { return result; }
    public SlotTableView getSlots() { return slots; }
    public String getGoneHostname() { return goneHostname; }
    public String getGoneAction() { return goneAction; }
    public String getGoneMessage() { return goneMessage; }
    public String getActionHostname() { return actionHostname; }
    public String getActionMode() { return actionMode; }
    public String getActionSerial() { return actionSerial; }
    public void setActionSerial(String actionSerial) { this.actionSerial = actionSerial; }
}
