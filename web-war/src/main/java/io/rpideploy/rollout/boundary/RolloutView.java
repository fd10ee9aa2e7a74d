package io.rpideploy.rollout.boundary;

import io.rpideploy.deployments.boundary.DeploymentResource.DeploymentView;
import io.rpideploy.deployments.control.DeploymentHistory;
import io.rpideploy.deployments.control.DeploymentHistory.Filter;
import io.rpideploy.hostnames.boundary.LeavingName;
import io.rpideploy.hostnames.control.HostnameRules;
import io.rpideploy.hostnames.control.HostnameService;
import io.rpideploy.hostnames.entity.Product;
import io.rpideploy.netboot.control.NetbootService;
import io.rpideploy.platform.boundary.ConsoleMessages;
import io.rpideploy.platform.boundary.JsonConfig;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.platform.entity.Role;
import io.rpideploy.rollout.boundary.BoardView.KartView;
import io.rpideploy.rollout.control.RolloutBoard;
import io.rpideploy.venues.control.VenueService;
import io.rpideploy.venues.entity.Venue;
import jakarta.annotation.PostConstruct;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.bind.Jsonb;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The console's Rollout page: one venue's karts as a grid (drawn by {@code rollout.js} from the same JSON as the API,
 * then kept live from {@code /live}); a click on a kart opens its history and, for operators, re-image at next
 * boot, release and retire. Release and retire go through the hostnames feature as on the Pools page, so a board
 * still imaging under the name is refused unless the user confirms it is gone.
 */
@Named
@ViewScoped
public class RolloutView implements Serializable {

    private static final long serialVersionUID = 1L;
    /** Runs listed in a kart's history; older ones are on the Deployments page. */
    static final int HISTORY = 20;
    private static final Jsonb JSON = new JsonConfig().getContext(Object.class);

    @Inject
    RolloutBoard board;

    @Inject
    VenueService venues;

    @Inject
    HostnameService hostnames;

    @Inject
    NetbootService netboot;

    @Inject
    DeploymentHistory history;

    private List<Venue> venueList;
    private String venueCode;
    private String productType;
    private KartView kart;
    private transient List<DeploymentView> runs;
    /** A release or retire refused for a board still imaging, with the name it was for. */
    private final LeavingName leaving = new LeavingName();
    /** Why the chosen venue's board cannot be shown (it was deleted meanwhile), or null. */
    private String unavailable;

    @PostConstruct
    void init() {
        venueList = venues.list();
        Map<String, String> params = FacesContext.getCurrentInstance().getExternalContext().getRequestParameterMap();
        String wanted = params.get("venue");
        venueCode = venueList.stream().map(Venue::getCode).filter(c -> c.equalsIgnoreCase(String.valueOf(wanted)))
                .findFirst().orElse(venueList.isEmpty() ? null : venueList.get(0).getCode());
        Product product = Product.parse(params.get("product")).orElse(null);
        if (product == null && venueCode != null) {
            try {
                // a venue with only an RXP2 pool opens on it; otherwise the karts
                product = board.productsOf(venueCode).stream().findFirst().orElse(Product.KXP2);
            } catch (DomainException gone) {
                // removed since it was listed: the page says so instead of failing (its messages are drawn before
                // this bean exists, so the page shows the text itself)
                unavailable = gone.getMessage() + ": pick another venue";
            }
        }
        productType = (product == null ? Product.KXP2 : product).name();
    }

    /** The board as the API answers, for the page's script to draw before its socket is open. */
    public String getInitialJson() {
        if (venueCode == null) {
            return "";
        }
        try {
            return JSON.toJson(current());
        } catch (DomainException gone) {
            return ""; // the venue was removed since the page listed it: the script says there is nothing to show
        }
    }

    private BoardView current() {
        return BoardView.of(board.of(venueCode, Product.valueOf(productType)));
    }

    /** Another venue or product picked: the page again for it (its address can be bookmarked or shared). */
    public void choose() {
        ExternalContext external = FacesContext.getCurrentInstance().getExternalContext();
        try {
            external.redirect(external.getRequestContextPath() + "/rollout/index.xhtml?venue="
                    + URLEncoder.encode(String.valueOf(venueCode), StandardCharsets.UTF_8) + "&product="
                    + URLEncoder.encode(String.valueOf(productType), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A kart clicked (its hostname comes as a request parameter): its state now and its runs, newest first. */
    public void open() {
        String hostname = FacesContext.getCurrentInstance().getExternalContext().getRequestParameterMap()
                .get("hostname");
        leaving.clear(); // a refusal for the kart opened before is not this one's
        runs = null;
        try {
            kart = current().karts().stream().filter(k -> k.hostname().equals(hostname)).findFirst().orElse(null);
        } catch (DomainException gone) {
            kart = null; // the venue was deleted meanwhile
        }
        if (kart == null) {
            ConsoleMessages.refuse(null, "No kart " + hostname + " on this board");
        }
    }

    /** Reads the kart again after an action. */
    private void reload() {
        String hostname = kart.hostname();
        kart = current().karts().stream().filter(k -> k.hostname().equals(hostname)).findFirst().orElse(null);
        runs = null;
    }

    public List<DeploymentView> getRuns() {
        if (runs == null) {
            runs = kart == null ? List.of() : history.search(new Filter(null, null, null, null, null, null,
                    kart.hostname()), 0, HISTORY).deployments().stream().map(DeploymentView::of).toList();
        }
        return runs;
    }

    /** The board holding the kart's name goes into the installer at its next network boot. */
    public void reimage() {
        if (!allowed() || kart == null) {
            return;
        }
        if (kart.serialNumber() == null && kart.macAddress() == null) {
            ConsoleMessages.refuse(null, "No board holds " + kart.hostname() + ": nothing to re-image");
            return;
        }
        try {
            netboot.requestReimage(HostnameRules.serial(kart.serialNumber(), "serial_number"),
                    kart.serialNumber() != null ? null : HostnameRules.mac(kart.macAddress(), "mac_address"));
            ConsoleMessages.info(kart.hostname() + " (board " + (kart.serialNumber() != null ? kart.serialNumber()
                    : kart.macAddress()) + ") goes into the installer at its next network boot");
        } catch (DomainException refused) {
            ConsoleMessages.refuse(null, refused.getMessage());
        }
        reload();
    }

    public void release() {
        leave("release");
    }

    public void retire() {
        leave("retire");
    }

    /**
     * Release or retire through the hostnames feature; its refusal for a board still imaging (field
     * {@code board_gone}) opens the dialog where the user may confirm the board is gone.
     */
    private void leave(String action) {
        if (!allowed() || kart == null) {
            return;
        }
        if (leaving.leave(hostnames, kart.hostname(), action)) {
            reload();
        }
    }

    /** The user confirmed that the board imaging under the refused name is gone: that name, whatever is open now. */
    public void confirmGone() {
        if (!allowed() || leaving.getHostname() == null) {
            return;
        }
        leaving.confirm(hostnames);
        if (kart != null) {
            reload();
        }
    }

    public boolean isOperator() {
        return FacesContext.getCurrentInstance().getExternalContext().isUserInRole(Role.OPERATOR_NAME);
    }

    /** The page hides the buttons from viewers; this refuses a request crafted without them. */
    private boolean allowed() {
        if (isOperator()) {
            return true;
        }
        ConsoleMessages.refuse(null, "Your role may only look at the rollout; acting on a kart needs operator");
        return false;
    }

    public String when(Instant instant) {
        return ConsoleMessages.when(instant);
    }

    /** "karts" for KXP2, "boards" for RXP2 (its names are board serials, not kart numbers). */
    public String getUnit() {
        return Product.KXP2.name().equals(productType) ? "karts" : "boards";
    }

    public List<String> getProducts() {
        return Arrays.stream(Product.values()).map(Product::name).toList();
    }

    public List<Venue> getVenueList() { return venueList; }
    public String getVenueCode() { return venueCode; }
    public void setVenueCode(String venueCode) { this.venueCode = venueCode; }
    public String getProductType() { return productType; }
    public void setProductType(String productType) {
        this.productType = Product.parse(productType).orElse(Product.KXP2).name();
    }
    public KartView getKart() { return kart; }
    public String getUnavailable() { return unavailable; }
    public String getGoneHostname() { return leaving.getHostname(); }
    public String getGoneAction() { return leaving.getAction(); }
    public String getGoneMessage() { return leaving.getMessage(); }
}
