package io.rpideploy.audit.boundary;

import io.rpideploy.audit.control.AuditLog;
import io.rpideploy.audit.control.AuditLog.Filter;
import io.rpideploy.platform.boundary.ConsoleMessages;
import io.rpideploy.platform.control.DomainException;
import jakarta.annotation.PostConstruct;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The console's audit page: who did what when, as a lazy table filtered by user, action and days, with a link to
 * the CSV export of the same filter. Operators and admins only (ConsoleAccess; the API says the same).
 */
@Named
@ViewScoped
public class AuditView implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final String FORM = "filters";
    /** The log's field names (which its refusals carry) and the inputs of the filter form. */
    private static final Map<String, String> INPUTS = Map.of("actor", "actor", "action", "action", "from", "from",
            "to", "to");
    /** Changes are seconds apart: minutes would hide their order. */
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    @Inject
    AuditLog audit;

    private List<String> actors;
    private List<String> actions;
    private String actor = "";
    private String action = "";
    private String from = "";
    private String to = "";
    private AuditTableView table;
    private Filter applied = Filter.NONE;

    @PostConstruct
    void init() {
        actors = audit.actors();
        actions = audit.actions();
        table = new AuditTableView(audit);
    }

    /** A filter changed: checked once here, so a bad date is told beside its input instead of emptying the table. */
    public void filter() {
        Filter wanted = new Filter(actor, action, from, to);
        try {
            audit.count(wanted);
            applied = wanted;
            table.show(wanted);
        } catch (DomainException refused) {
            ConsoleMessages.show(FORM, INPUTS, refused);
        }
    }

    public void clear() {
        actor = "";
        action = "";
        from = "";
        to = "";
        applied = Filter.NONE;
        table.show(applied);
    }

    /** The query of the CSV export: the filter the table shows (not one just refused). */
    public String getCsvQuery() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("actor", applied.actor());
        params.put("action", applied.action());
        params.put("from", applied.from());
        params.put("to", applied.to());
        return params.entrySet().stream().filter(e -> e.getValue() != null && !e.getValue().isBlank())
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue().trim(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    public String exactly(Instant instant) {
        return instant == null ? "" : SECONDS.format(instant);
    }

    public List<String> getActors() { return actors; }
    public List<String> getActions() { return actions; }
    public String getActor() { return actor; }
    public void setActor(String actor) { this.actor = actor; }
    public String getAction() { return action; }
    public void setAction(String action) { this.action = action; }
    public String getFrom() { return from; }
    public void setFrom(String from) { this.from = from; }
    public String getTo() { return to; }
    public void setTo(String to) { this.to = to; }
    public AuditTableView getTable() { return table; }
}
