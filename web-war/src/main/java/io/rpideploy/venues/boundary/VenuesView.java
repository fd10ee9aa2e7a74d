package io.rpideploy.venues.boundary;

import io.rpideploy.platform.boundary.ConsoleMessages;

import io.rpideploy.platform.control.DomainException;
import io.rpideploy.platform.entity.Role;
import io.rpideploy.venues.control.VenueService;
import io.rpideploy.venues.control.VenuePool;
import io.rpideploy.venues.control.VenuePool.VenueStats;
import io.rpideploy.venues.entity.Venue;
import jakarta.annotation.PostConstruct;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.primefaces.PrimeFaces;

/** The console's venue page: the venues with their pool and deployment figures, and create, edit, delete. */
@Named
@ViewScoped
public class VenuesView implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final String FORM = "venueForm";
    /** The API's field names (which the services report) and the ids of the inputs that show them. */
    private static final Map<String, String> INPUTS = Map.of("code", "code", "name", "name",
            "location", "location", "contact_email", "contactEmail");

    @Inject
    VenueService venues;

    @Inject
    VenuePool pool;

    private List<Venue> list;
    private Map<String, VenueStats> stats;

    private boolean editing;
    private String code;
    private String name;
    private String location;
    private String contactEmail;
    /** The version the dialog was opened on: saving over a newer one is refused (changed meanwhile). */
    private Long version;

    @PostConstruct
    void load() {
        list = venues.list();
        stats = new HashMap<>();
        for (Venue venue : list) {
            stats.put(venue.getCode(), pool.stats(venue.getCode()));
        }
    }

    public boolean isOperator() {
        return FacesContext.getCurrentInstance().getExternalContext().isUserInRole(Role.OPERATOR_NAME);
    }

    public void startCreate() {
        editing = false;
        code = null;
        name = null;
        location = null;
        contactEmail = null;
        version = null;
    }

    public void startEdit(Venue venue) {
        editing = true;
        code = venue.getCode();
        name = venue.getName();
        location = venue.getLocation();
        contactEmail = venue.getContactEmail();
        version = venue.getVersion();
    }

    public void save() {
        if (!allowed()) {
            return;
        }
        try {
            Venue saved = editing ? venues.update(code, version, name, location, contactEmail)
                    : venues.create(code, name, location, contactEmail);
            load();
            ConsoleMessages.info(editing ? "Venue " + saved.getCode() + " saved" : "Venue " + saved.getCode() + " created");
            // the table and its message are redrawn only on success: a refusal stays in the open dialog
            PrimeFaces.current().ajax().update("venues");
        } catch (DomainException refused) {
            ConsoleMessages.show(FORM, INPUTS, refused);
            if (refused.kind() == DomainException.Kind.PRECONDITION_FAILED) {
                startEdit(venues.require(code)); // the dialog shows what is stored now, to change again
                load();
                PrimeFaces.current().ajax().update(FORM, "venues");
            }
        }
    }

    public void delete(Venue venue) {
        if (!allowed()) {
            return;
        }
        try {
            venues.delete(venue.getCode(), venue.getVersion());
            ConsoleMessages.info("Venue " + venue.getCode() + " deleted");
        } catch (DomainException refused) {
            ConsoleMessages.show(FORM, INPUTS, refused);
        }
        load();
    }

    /** The page hides the buttons from viewers; this refuses a request crafted without them. */
    private boolean allowed() {
        if (isOperator()) {
            return true;
        }
        FacesContext faces = FacesContext.getCurrentInstance();
        faces.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_ERROR,
                "Your role may not change venues; it needs operator", null));
        faces.validationFailed();
        return false;
    }

    public String when(Instant instant) {
        return ConsoleMessages.when(instant);
    }

    public List<Venue> getList() { return list; }
    public VenueStats stats(String venueCode) { return stats.get(venueCode); }
    public boolean isEditing() { return editing; }
    public String getCode() { return code; }
    public void setCode(String code) { this.code = code; }
    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getLocation() { return location; }
    public void setLocation(String location) { this.location = location; }
    public String getContactEmail() { return contactEmail; }
    public void setContactEmail(String contactEmail) { this.contactEmail = contactEmail; }
}
