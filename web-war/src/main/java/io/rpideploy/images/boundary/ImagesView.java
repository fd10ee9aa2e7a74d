package io.rpideploy.images.boundary;

import io.rpideploy.hostnames.entity.Product;
import io.rpideploy.images.control.ImageIntegrity;
import io.rpideploy.images.control.ImageRegistry;
import io.rpideploy.images.control.ImageUploads;
import io.rpideploy.images.entity.MasterImage;
import io.rpideploy.platform.boundary.ConsoleMessages;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.platform.entity.Role;
import jakarta.annotation.PostConstruct;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.primefaces.PrimeFaces;

/**
 * The console's image page: the master images with activation, rollback per product, notes and delete. The upload
 * itself does not go through Faces (which would buffer the file): the page's script posts to /api/images/upload
 * and then calls {@link #load()} to redraw the table.
 */
@Named
@ViewScoped
public class ImagesView implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final String FORM = "editForm";
    private static final Map<String, String> INPUTS = Map.of("description", "description", "notes", "notes");
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

    @Inject
    ImageRegistry registry;

    @Inject
    ImageUploads uploads;

    @Inject
    ImageIntegrity integrity;

    private List<MasterImage> list;
    private Long editId;
    private String editName;
    private String description;
    private String notes;

    @PostConstruct
    public void load() {
        list = registry.list();
    }

    public boolean isOperator() {
        return FacesContext.getCurrentInstance().getExternalContext().isUserInRole(Role.OPERATOR_NAME);
    }

    public void activate(MasterImage image) {
        if (allowed()) {
            change(() -> registry.activate(image.getId()), image.getFilename() + " is now the active image of "
                    + image.getProduct());
        }
    }

    public void rollback(String product) {
        if (allowed()) {
            change(() -> {
                MasterImage back = registry.rollback(Product.valueOf(product));
                ConsoleMessages.info(product + " rolled back to " + back.getFilename());
            }, null);
        }
    }

    /** Starts a full hash of the file in the background; the page shows "verifying" until it is done. */
    public void verify(MasterImage image) {
        if (allowed()) {
            change(() -> integrity.start(image.getId()), "Verifying " + image.getFilename()
                    + " in the background: reload the page for the result");
        }
    }

    public boolean verifying(MasterImage image) {
        return integrity.verifying(image.getId());
    }

    public String verified(MasterImage image) {
        return image.getVerifiedAt() == null ? "" : "checked " + when(image.getVerifiedAt());
    }

    public void delete(MasterImage image) {
        if (allowed()) {
            change(() -> uploads.delete(image.getId()), image.getFilename() + " deleted");
        }
    }

    public void startEdit(MasterImage image) {
        editId = image.getId();
        editName = image.getFilename();
        description = image.getDescription();
        notes = image.getNotes();
    }

    public void save() {
        if (!allowed() || editId == null) {
            return;
        }
        try {
            // a blank text clears the field: the form always sends both
            registry.update(editId, Optional.of(nonNull(description)), Optional.of(nonNull(notes)));
            load();
            ConsoleMessages.info(editName + " saved");
            PrimeFaces.current().ajax().update("images");
        } catch (DomainException refused) {
            ConsoleMessages.show(FORM, INPUTS, refused);
        }
    }

    /** Runs a change and reports it at the top; a refusal (active image, nothing to roll back to) likewise. */
    private void change(Runnable action, String done) {
        try {
            action.run();
            if (done != null) {
                ConsoleMessages.info(done);
            }
        } catch (DomainException refused) {
            ConsoleMessages.refuse(null, refused.getMessage());
        }
        load();
    }

    /** The page hides the buttons from viewers; this refuses a request crafted without them. */
    private boolean allowed() {
        if (isOperator()) {
            return true;
        }
        ConsoleMessages.refuse(null, "Your role may not change images; it needs operator");
        return false;
    }

    /** Whether this product has an active image that replaced an earlier one still on disk. */
    public boolean canRollback(String product) {
        return list.stream().filter(i -> i.getProduct().name().equals(product) && i.isActive())
                .map(MasterImage::getPreviousImageId).anyMatch(previous -> previous != null
                        && list.stream().anyMatch(i -> previous.equals(i.getId())));
    }

    public List<String> getProducts() {
        return Arrays.stream(Product.values()).map(Product::name).toList();
    }

    public String when(Instant instant) {
        return ConsoleMessages.when(instant);
    }

    public String size(Long bytes) {
        if (bytes == null) {
            return "";
        }
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }

    public String shortSum(String checksum) {
        return checksum == null || checksum.length() <= 12 ? checksum : checksum.substring(0, 12) + "…";
    }

    private static String nonNull(String text) {
        return text == null ? "" : text;
    }

    public List<MasterImage> getList() { return list; }
    public String getEditName() { return editName; }
    public String getDescription() { return description; }
    public void setDescription(String description) { this.description = description; }
    public String getNotes() { return notes; }
    public void setNotes(String notes) { this.notes = notes; }
}
