package io.rpideploy.sessions.boundary;

import io.rpideploy.platform.control.Counts;
import io.rpideploy.deployments.boundary.DeploymentResource.DeploymentView;
import io.rpideploy.deployments.control.DeploymentHistory;
import io.rpideploy.hostnames.entity.Product;
import io.rpideploy.images.control.ImageRegistry;
import io.rpideploy.images.entity.MasterImage;
import io.rpideploy.platform.boundary.ConsoleMessages;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.platform.entity.Role;
import io.rpideploy.sessions.control.SessionRules;
import io.rpideploy.sessions.control.SessionService;
import io.rpideploy.sessions.entity.ImagingSession;
import io.rpideploy.venues.control.VenueService;
import io.rpideploy.venues.entity.Venue;
import jakarta.annotation.PostConstruct;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The console's Sessions page: open a session (operators), and watch the boards of the open ones arrive; the page
 * polls, so a board appears within seconds of asking for its config.
 */
@Named
@ViewScoped
public class SessionsView implements Serializable {

    private static final long serialVersionUID = 1L;
    /** API field → input id in the open form. */
    private static final Map<String, String> INPUTS = Map.of("venue_code", "venue", "product_type", "product",
            "count", "count", "image_id", "image", "serials", "serials");

    @Inject
    SessionService sessions;

    @Inject
    DeploymentHistory history;

    @Inject
    VenueService venues;

    @Inject
    ImageRegistry images;

    private List<Venue> venueList;
    private List<ImageChoice> imageList;
    private String venueCode;
    private String productType = Product.KXP2.name();
    private boolean untilClosed = true;
    private Integer count;
    private Long imageId;
    private String serials;
    // read again on every poll; not part of the view's state
    private transient List<SessionRow> open;
    private transient List<SessionView> closed;

    /** An image to pick, with what tells it apart. */
    public record ImageChoice(long id, String label) implements Serializable {
    }

    /** An open session with the latest deployment of each board it named, newest first. */
    public record SessionRow(SessionView session, String image, List<DeploymentView> boards) {
    }

    @PostConstruct
    void init() {
        venueList = venues.list();
        venueCode = venueList.isEmpty() ? null : venueList.get(0).getCode();
        imageList = images.list().stream().map(i -> new ImageChoice(i.getId(), label(i))).toList();
        refresh();
    }

    private static String label(MasterImage i) {
        return i.getProduct() + " · v" + i.getVersion() + " · " + i.getFilename() + (i.isActive() ? " (active)" : "");
    }

    /** Reads the sessions again (the poll, and after every change). */
    public void refresh() {
        List<ImagingSession> openSessions = sessions.openSessions();
        List<ImagingSession> recent = sessions.recentlyClosed();
        Map<Long, Long> named = sessions.named(openSessions.isEmpty() && recent.isEmpty() ? List.of()
                : java.util.stream.Stream.concat(openSessions.stream(), recent.stream()).toList());
        open = openSessions.stream().map(s -> new SessionRow(SessionView.of(s, named.getOrDefault(s.getId(), 0L)),
                imageOf(s.getImageId()), history.ofSession(s.getId()).stream().map(DeploymentView::of).toList()))
                .toList();
        closed = recent.stream().map(s -> SessionView.of(s, named.getOrDefault(s.getId(), 0L))).toList();
    }

    private String imageOf(Long id) {
        if (id == null) {
            return "active image";
        }
        return imageList.stream().filter(i -> i.id() == id).map(ImageChoice::label).findFirst()
                .orElse("image " + id);
    }

    public boolean isOperator() {
        return FacesContext.getCurrentInstance().getExternalContext().isUserInRole(Role.OPERATOR_NAME);
    }

    public void openSession() {
        if (!allowed()) {
            return;
        }
        try {
            ImagingSession s = sessions.open(venueCode, productType, untilClosed ? null
                    : count == null ? 0L : count.longValue(), imageId, SessionRules.split(serials));
            ConsoleMessages.info("Session " + s.getId() + " opened: " + s.getVenueCode() + " " + s.getProduct()
                    + (s.getBoardCount() == null ? ", until closed" : ", " + Counts.of(s.getBoardCount(), "board")));
            count = null;
            imageId = null;
            serials = null;
            untilClosed = true;
        } catch (DomainException refused) {
            ConsoleMessages.show("open", INPUTS, refused);
        }
        refresh();
    }

    public void close(SessionView session) {
        if (!allowed()) {
            return;
        }
        try {
            ImagingSession s = sessions.close(session.id());
            ConsoleMessages.info("Session " + s.getId() + " closed after " + Counts.of(sessions.named(s), "board"));
        } catch (DomainException refused) {
            ConsoleMessages.refuse(null, refused.getMessage());
        }
        refresh();
    }

    /** The page hides the forms from viewers; this refuses a request crafted without them. */
    private boolean allowed() {
        if (isOperator()) {
            return true;
        }
        ConsoleMessages.refuse(null, "Your role may only look at sessions");
        return false;
    }

    public String when(Instant instant) {
        return ConsoleMessages.when(instant);
    }

    public List<String> getProducts() {
        return Arrays.stream(Product.values()).map(Product::name).toList();
    }

    public List<Venue> getVenueList() { return venueList; }
    public List<ImageChoice> getImageList() { return imageList; }
    public List<SessionRow> getOpen() {
        if (open == null) {
            refresh();
        }
        return open;
    }

    public List<SessionView> getClosed() {
        if (closed == null) {
            refresh();
        }
        return closed;
    }
    public String getVenueCode() { return venueCode; }
    public void setVenueCode(String venueCode) { this.venueCode = venueCode; }
    public String getProductType() { return productType; }
    public void setProductType(String productType) { this.productType = productType; }
    public boolean isUntilClosed() { return untilClosed; }
    public void setUntilClosed(boolean untilClosed) { this.untilClosed = untilClosed; }
    public Integer getCount() { return count; }
    public void setCount(Integer count) { this.count = count; }
    public Long getImageId() { return imageId; }
    public void setImageId(Long imageId) { this.imageId = imageId; }
    public String getSerials() { return serials; }
    public void setSerials(String serials) { this.serials = serials; }
}
