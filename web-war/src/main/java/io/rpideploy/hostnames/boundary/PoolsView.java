package io.rpideploy.hostnames.boundary;

import io.rpideploy.platform.boundary.ConsoleMessages;

import io.rpideploy.hostnames.control.HostnameRules;
import io.rpideploy.hostnames.control.HostnameService;
import io.rpideploy.hostnames.entity.HostnameSlot;
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
import jakarta.faces.model.SelectItem;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.primefaces.PrimeFaces;
import org.primefaces.model.file.UploadedFile;

/**
 * The console's pool page: one venue's kart numbers, imported from range text or a CSV file (previewed first, the
 * manager picking the column of kart numbers), and its slots, searched by hostname or serial, with notes edited in
 * the table, release, retire, pin and replace.
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
    private String q;
    /** The uploaded CSV file's text while its preview is shown; null otherwise. */
    private String csvText;
    private KartNumberCsv.Preview preview;
    /** The column the kart numbers are read from, counted from 1; 0: every cell (numbers and ranges anywhere). */
    private int column;
    private boolean header;
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
        cancelPreview();
        showSlots();
    }

    public void statusChanged() {
        showSlots();
    }

    /** The search box: part of a hostname or of a board serial; a refusal (too long) beside the box. */
    public void search() {
        try {
            HostnameRules.searchPattern(q);
        } catch (DomainException refused) {
            ConsoleMessages.refuse("slots:q", refused.getMessage());
            return;
        }
        showSlots();
    }

    private void showSlots() {
        slots.show(venueCode, SlotStatus.parse(status).orElse(null), q == null || q.isBlank() ? null : q.strip());
    }

    /** The export of what the table shows (venue, status, search) as CSV. */
    public String getCsvQuery() {
        StringBuilder query = new StringBuilder();
        if (venueCode != null) {
            query.append("venue_code=").append(URLEncoder.encode(venueCode, StandardCharsets.UTF_8));
        }
        if (status != null && !status.isBlank()) {
            query.append("&status=").append(URLEncoder.encode(status, StandardCharsets.UTF_8));
        }
        if (q != null && !q.isBlank()) {
            query.append("&q=").append(URLEncoder.encode(q.strip(), StandardCharsets.UTF_8));
        }
        return query.toString();
    }

    /**
     * A notes cell edited in the table: saved against the version the row was shown at. A change made meanwhile
     * (another manager's note, a board taking or leaving the name) refuses it with who made it, and the table shows
     * what is stored now.
     */
    public void noteEdited(String hostname) {
        if (!slots.typed(hostname)) {
            return; // nothing reached the cell (a request made up without its value)
        }
        String typed = slots.takeTyped(hostname);
        if (!allowed()) {
            return;
        }
        if (Objects.equals(blankToNull(typed), blankToNull(slots.shownNotes(hostname)))) {
            return;
        }
        try {
            HostnameSlot saved = hostnames.notes(hostname, slots.versionOf(hostname), typed);
            slots.stored(hostname, saved.getNotes(), saved.getVersion());
            ConsoleMessages.info(saved.getNotes() == null ? "Notes of " + hostname + " cleared"
                    : "Notes of " + hostname + " saved");
        } catch (DomainException refused) {
            ConsoleMessages.refuse(null, refused.getMessage());
            if (refused.kind() == DomainException.Kind.PRECONDITION_FAILED) {
                HostnameSlot now = hostnames.slot(hostname); // what is stored now, to change again
                slots.stored(hostname, now.getNotes(), now.getVersion());
            } else {
                slots.stored(hostname, slots.shownNotes(hostname), slots.versionOf(hostname));
            }
            PrimeFaces.current().ajax().update("slots:table"); // the table shows what is stored
        }
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
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

    /** Reads the uploaded file and shows its first rows; nothing is imported until a column is picked. */
    public void previewCsv() {
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
        file = null;
        result = null;
        try {
            preview = KartNumberCsv.preview(text);
            csvText = text;
            column = preview.suggestedColumn();
            header = preview.header();
        } catch (DomainException refused) {
            ConsoleMessages.refuse("upload:csv", refused.getMessage());
            cancelPreview();
        }
    }

    /** Imports the previewed file's chosen column (or every cell), the first row skipped when it is a header. */
    public void importPreviewed() {
        if (!allowed() || csvText == null) {
            return;
        }
        String text = csvText;
        Integer picked = column == 0 ? null : column;
        boolean skipFirst = header;
        run("csvImport:column", () -> KartNumberCsv.parse(text, picked, skipFirst));
        if (result != null) {
            cancelPreview();
        }
    }

    public void cancelPreview() {
        csvText = null;
        preview = null;
    }

    /** "column 2 (transponder)": each column by its first cell, and every cell. */
    public List<SelectItem> getColumnChoices() {
        List<SelectItem> items = new ArrayList<>();
        if (preview != null) {
            List<String> first = preview.rows().get(0);
            for (int c = 1; c <= preview.columns(); c++) {
                String sample = first.get(c - 1);
                items.add(new SelectItem(c, "column " + c + (sample.isBlank() ? "" : " ("
                        + (sample.length() > 24 ? sample.substring(0, 24) + "…" : sample) + ")")));
            }
        }
        items.add(new SelectItem(0, "every cell (numbers and ranges anywhere)"));
        return items;
    }

    /** Whether the preview marks this column (from 1) as the one read. */
    public boolean picked(int columnNumber) {
        return column == 0 || column == columnNumber;
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
    public String getQ() { return q; }
    public void setQ(String q) { this.q = q; }
    public KartNumberCsv.Preview getPreview() { return preview; }
    public int getColumn() { return column; }
    public void setColumn(int column) { this.column = column; }
    public boolean isHeader() { return header; }
    public void setHeader(boolean header) { this.header = header; }
    public SlotTableView getSlots() { return slots; }
    public String getGoneHostname() { return goneHostname; }
    public String getGoneAction() { return goneAction; }
    public String getGoneMessage() { return goneMessage; }
    public String getActionHostname() { return actionHostname; }
    public String getActionMode() { return actionMode; }
    public String getActionSerial() { return actionSerial; }
    public void setActionSerial(String actionSerial) { this.actionSerial = actionSerial; }
}
