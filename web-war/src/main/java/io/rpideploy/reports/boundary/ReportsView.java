package io.rpideploy.reports.boundary;

import io.rpideploy.hostnames.entity.Product;
import io.rpideploy.platform.boundary.ConsoleMessages;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.reports.control.DeploymentReports;
import io.rpideploy.reports.control.DeploymentReports.Filter;
import io.rpideploy.reports.control.DeploymentReports.Summary;
import io.rpideploy.reports.control.ReportFigures.Figures;
import io.rpideploy.venues.control.VenueService;
import io.rpideploy.venues.entity.Venue;
import jakarta.annotation.PostConstruct;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import java.io.Serializable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The console's Reports page: a range of days (the last 7 unless chosen), a venue and a product; the summary
 * figures, a chart of runs per day by outcome and one of the duration per day, the tables, and downloads (CSV, PDF)
 * of the filter shown. Read-only: every role sees it.
 */
@Named
@ViewScoped
public class ReportsView implements Serializable {

    private static final long serialVersionUID = 1L;
    /** Looked up once (each {@code Json.createXxx} looks the provider up again). */
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final String FORM = "filters";
    /** The report's field names (which its refusals carry) and the inputs of the filter form. */
    private static final Map<String, String> INPUTS = Map.of("venue_code", "venue", "product_type", "product",
            "from", "from", "to", "to");

    @Inject
    DeploymentReports reports;

    @Inject
    VenueService venues;

    private List<Venue> venueList;
    private String from = "";
    private String to = "";
    private String venueCode = "";
    private String productType = "";
    private Summary summary;

    @PostConstruct
    void init() {
        venueList = venues.list();
        try {
            summary = reports.summary(Filter.DEFAULT);
        } catch (DomainException refused) {
            // more runs in a week than a report reads: say so above an empty page instead of failing it
            summary = reports.empty(LocalDate.now());
            ConsoleMessages.refuse(null, refused.getMessage());
        }
        from = summary.from().toString();
        to = summary.to().toString();
    }

    /** A filter changed: a refusal is told beside its input, and the page keeps the last report it could make. */
    public void filter() {
        try {
            summary = reports.summary(new Filter(from, to, venueCode, productType));
        } catch (DomainException refused) {
            ConsoleMessages.show(FORM, INPUTS, refused);
        }
    }

    /** The query of the downloads: the filter of the report shown (not one just refused). */
    public String getQuery() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("from", summary.from().toString());
        params.put("to", summary.to().toString());
        params.put("venue_code", summary.venueCode());
        params.put("product_type", summary.productType());
        return params.entrySet().stream().filter(e -> e.getValue() != null)
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** Chart.js configuration: runs per day stacked by how they ended. Labels are dates, data numbers. */
    public String getOutcomeChart() {
        List<Figures> days = summary.days();
        JsonArrayBuilder datasets = JSON.createArrayBuilder()
                .add(bars("Successful", "#1f9d55", days, Figures::successes))
                .add(bars("Failed", "#d64545", days, Figures::failures))
                .add(bars("Interrupted", "#e6a23c", days, Figures::interrupted))
                .add(bars("In progress", "#9aa5b1", days, Figures::inProgress));
        JsonObjectBuilder options = options().add("scales", JSON.createObjectBuilder()
                .add("x", JSON.createObjectBuilder().add("stacked", true))
                .add("y", JSON.createObjectBuilder().add("stacked", true).add("beginAtZero", true)
                        .add("ticks", JSON.createObjectBuilder().add("precision", 0))
                        .add("title", axisTitle("deployments"))));
        return JSON.createObjectBuilder().add("type", "bar").add("data", JSON.createObjectBuilder()
                .add("labels", labels(days)).add("datasets", datasets)).add("options", options).build().toString();
    }

    /**
     * Chart.js configuration: median and p95 duration of the successful runs per day, in minutes (in seconds when
     * every run took less than two minutes, or the line would lie flat on zero).
     */
    public String getDurationChart() {
        List<Figures> days = summary.days();
        boolean minutes = days.stream().map(Figures::p95DurationSeconds)
                .anyMatch(s -> s != null && s >= 120);
        double unit = minutes ? 60 : 1;
        JsonArrayBuilder datasets = JSON.createArrayBuilder()
                .add(line("Median", "#2186eb", days, Figures::medianDurationSeconds, unit))
                .add(line("p95", "#7b8794", days, Figures::p95DurationSeconds, unit));
        JsonObjectBuilder options = options().add("scales", JSON.createObjectBuilder()
                .add("y", JSON.createObjectBuilder().add("beginAtZero", true)
                        .add("title", axisTitle(minutes ? "minutes" : "seconds"))));
        return JSON.createObjectBuilder().add("type", "line").add("data", JSON.createObjectBuilder()
                .add("labels", labels(days)).add("datasets", datasets)).add("options", options).build().toString();
    }

    private static JsonObjectBuilder options() {
        return JSON.createObjectBuilder().add("responsive", true).add("maintainAspectRatio", false)
                .add("animation", false)
                .add("plugins", JSON.createObjectBuilder().add("legend", JSON.createObjectBuilder()
                        .add("position", "bottom")));
    }

    private static JsonObjectBuilder axisTitle(String text) {
        return JSON.createObjectBuilder().add("display", true).add("text", text);
    }

    private static JsonArrayBuilder labels(List<Figures> days) {
        JsonArrayBuilder labels = JSON.createArrayBuilder();
        days.forEach(d -> labels.add(d.key().substring(5))); // MM-DD: the year is in the filter
        return labels;
    }

    private static JsonObjectBuilder bars(String label, String colour, List<Figures> days,
                                          Function<Figures, Long> value) {
        JsonArrayBuilder data = JSON.createArrayBuilder();
        days.forEach(d -> data.add(value.apply(d)));
        return JSON.createObjectBuilder().add("label", label).add("backgroundColor", colour).add("stack", "runs")
                .add("data", data);
    }

    private static JsonObjectBuilder line(String label, String colour, List<Figures> days,
                                          Function<Figures, Double> seconds, double unit) {
        JsonArrayBuilder data = JSON.createArrayBuilder();
        for (Figures d : days) {
            Double value = seconds.apply(d);
            if (value == null) {
                data.addNull(); // a day without a successful run: a gap, not a zero
            } else {
                data.add(Math.round(value / unit * 10) / 10.0);
            }
        }
        return JSON.createObjectBuilder().add("label", label).add("borderColor", colour)
                .add("backgroundColor", colour).add("spanGaps", true).add("tension", 0.2).add("data", data);
    }

    public List<String> getProducts() {
        return Arrays.stream(Product.values()).map(Product::name).toList();
    }

    /** The days with a run, newest first: a table of 7 empty days says nothing. */
    public List<Figures> getDaysWithRuns() {
        List<Figures> days = summary.days().stream().filter(d -> d.deployments() > 0)
                .collect(Collectors.toList());
        Collections.reverse(days);
        return days;
    }

    public String percent(Double value) {
        return ReportFormat.percent(value);
    }

    public String duration(Double seconds) {
        return ReportFormat.duration(seconds);
    }

    public String rate(Double value) {
        return ReportFormat.rate(value);
    }

    public String reasons(Figures f) {
        return ReportCsv.reasons(f.failureReasons());
    }

    public String getTitle() {
        return ReportPdf.title(summary);
    }

    public Summary getSummary() { return summary; }
    public List<Venue> getVenueList() { return venueList; }
    public String getFrom() { return from; }
    public void setFrom(String from) { this.from = from; }
    public String getTo() { return to; }
    public void setTo(String to) { this.to = to; }
    public String getVenueCode() { return venueCode; }
    public void setVenueCode(String venueCode) { this.venueCode = venueCode; }
    public String getProductType() { return productType; }
    public void setProductType(String productType) { this.productType = productType; }
}
