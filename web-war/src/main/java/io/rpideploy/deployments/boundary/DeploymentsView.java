package io.rpideploy.deployments.boundary;

import io.rpideploy.deployments.control.DeploymentHistory;
import io.rpideploy.deployments.control.DeploymentHistory.Filter;
import io.rpideploy.deployments.entity.Deployment;
import io.rpideploy.deployments.entity.DeploymentEvent;
import io.rpideploy.deployments.control.BoardBootSteps;
import io.rpideploy.deployments.entity.DeploymentState;
import io.rpideploy.hostnames.entity.Product;
import io.rpideploy.platform.boundary.ConsoleMessages;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.venues.control.VenueService;
import io.rpideploy.venues.entity.Venue;
import jakarta.annotation.PostConstruct;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.primefaces.event.SelectEvent;

/**
 * The console's deployment history: a lazy table filtered by venue, product, status and days, the timeline of the
 * board picked, and a link to the CSV export of the same filter. Read-only: every role sees all of it.
 */
@Named
@ViewScoped
public class DeploymentsView implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final String FORM = "filters";
    /** The history's field names (which its refusals carry) and the inputs of the filter form. */
    private static final Map<String, String> INPUTS = Map.of("venue_code", "venue", "product_type", "product",
            "status", "status", "from", "from", "to", "to", "serial", "serial", "hostname", "hostname");
    /** A timeline is seconds apart: minutes, as elsewhere in the console, would show every step at once. */
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    @Inject
    DeploymentHistory history;

    @Inject
    VenueService venues;

    @Inject
    BoardBootSteps netboot;

    private List<Venue> venueList;
    private String venueCode = "";
    private String productType = "";
    private String status = "";
    private String from = "";
    private String to = "";
    private String serial = "";
    private String hostname = "";
    private DeploymentTableView table;
    private Filter applied = new Filter(null, null, null, null, null, null, null);

    /** The row the table marks as chosen; {@link #selected} is the one whose timeline is shown. */
    private Deployment picked;
    private Deployment selected;
    private List<DeploymentEvent> timeline = List.of();
    private List<BoardBootSteps.BootStep> netbootSteps = List.of();

    @PostConstruct
    void init() {
        venueList = venues.list();
        table = new DeploymentTableView(history);
        // linked from a board (Devices page: "History"): its deployments only
        String board = FacesContext.getCurrentInstance().getExternalContext().getRequestParameterMap().get("serial");
        if (board != null && !board.isBlank() && board.length() <= 64) {
            serial = board.strip();
            filter();
        }
    }

    /** A filter changed: checked once here, so a bad date is told beside its input instead of emptying the table. */
    public void filter() {
        Filter wanted = currentFilter();
        try {
            history.search(wanted, 0, 1);
            applied = wanted;
            table.show(wanted);
        } catch (DomainException refused) {
            ConsoleMessages.show(FORM, INPUTS, refused);
        }
    }

    public void clear() {
        venueCode = "";
        productType = "";
        status = "";
        from = "";
        to = "";
        serial = "";
        hostname = "";
        applied = currentFilter();
        table.show(applied);
    }

    public void onRowSelect(SelectEvent<Deployment> event) {
        open(event.getObject().getId());
    }

    public void open(long id) {
        try {
            selected = history.require(id);
            timeline = history.timeline(id);
            Instant end = selected.getCompletedAt() != null ? selected.getCompletedAt() : Instant.now();
            netbootSteps = netboot.ofBoard(selected.mac(),
                    selected.getStartedAt().minus(DeploymentResource.NETBOOT_BEFORE), end);
        } catch (DomainException gone) {
            selected = null;
            timeline = List.of();
            netbootSteps = List.of();
            ConsoleMessages.refuse(null, gone.getMessage());
        }
    }

    private Filter currentFilter() {
        return new Filter(venueCode, productType, status, from, to, serial, hostname);
    }

    /** The query of the CSV export: the filter the table shows (not one just refused). */
    public String getCsvQuery() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("venue_code", applied.venueCode());
        params.put("product_type", applied.productType());
        params.put("status", applied.status());
        params.put("from", applied.from());
        params.put("to", applied.to());
        params.put("serial", applied.serial());
        params.put("hostname", applied.hostname());
        return params.entrySet().stream().filter(e -> e.getValue() != null && !e.getValue().isBlank())
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue().trim(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    public List<String> getProducts() {
        return Arrays.stream(Product.values()).map(Product::name).toList();
    }

    public List<String> getStates() {
        List<String> states = new ArrayList<>();
        for (DeploymentState state : DeploymentState.values()) {
            states.add(state.value());
        }
        return states;
    }

    public String when(Instant instant) {
        return ConsoleMessages.when(instant);
    }

    public String exactly(Instant instant) {
        return instant == null ? "" : SECONDS.format(instant);
    }

    public List<Venue> getVenueList() { return venueList; }
    public String getVenueCode() { return venueCode; }
    public void setVenueCode(String venueCode) { this.venueCode = venueCode; }
    public String getProductType() { return productType; }
    public void setProductType(String productType) { this.productType = productType; }
    public String getStatus() { return status; }
    public void setStatus(String status) { this.status = status; }
    public String getFrom() { return from; }
    public void setFrom(String from) { this.from = from; }
    public String getTo() { return to; }
    public String getSerial() { return serial; }
    public void setSerial(String serial) { this.serial = serial; }
    public String getHostname() { return hostname; }
    public void setHostname(String hostname) { this.hostname = hostname; }
    public void setTo(String to) { this.to = to; }
    public DeploymentTableView getTable() { return table; }
    public Deployment getPicked() { return picked; }
    public void setPicked(Deployment picked) { this.picked = picked; }
    public Deployment getSelected() { return selected; }
    public List<DeploymentEvent> getTimeline() { return timeline; }
    public List<BoardBootSteps.BootStep> getNetbootSteps() { return netbootSteps; }
}
