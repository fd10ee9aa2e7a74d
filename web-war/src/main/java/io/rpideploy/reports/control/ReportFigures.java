package io.rpideploy.reports.control;

import jakarta.json.bind.annotation.JsonbProperty;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The report's arithmetic over the runs read for it, apart from the database so it is tested on known data: runs
 * are counted by how they ended and grouped per day (the server's local day the run started), per venue and per
 * product; durations and rates are of successful runs only (a failure's duration says when it broke, not how long
 * imaging takes).
 */
public final class ReportFigures {

    /** A rate as the Dashboard shows it: MB/s of 2^20 bytes. */
    static final double MB = 1048576.0;
    /** Reasons listed per group; the rest are summed up as one line. */
    static final int MAX_REASONS = 10;
    static final String OTHER_REASONS = "other reasons";
    /** The key of runs without a venue or product (a board that reported before asking for its config). */
    public static final String NONE = "(none)";

    private ReportFigures() {
    }

    /** One run as the report reads it. */
    public record Run(long id, Instant startedAt, Instant completedAt, String status, String venueCode,
                      String productType, Long rateBps, String message, String errorMessage) {
    }

    /** How often one reason ended a run. */
    public record ReasonCount(String reason, long count) implements Serializable {
    }

    /**
     * The figures of one group ({@code key}: a day, a venue code, a product, or {@code all}). Every run is counted
     * once in {@code successes}, {@code failures} (reported failed by the board), {@code interrupted} (ended by the
     * server) or {@code inProgress}; the success rate is of the runs that ended, null when none did.
     */
    public record Figures(String key, long deployments, long successes, long failures, long interrupted,
                          long inProgress, Double successPercent, Double medianDurationSeconds,
                          // named here: the naming strategy's split of a name with digits is its own choice
                          @JsonbProperty("p95_duration_seconds") Double p95DurationSeconds,
                          Double medianMbPerSecond, List<ReasonCount> failureReasons)
            implements Serializable {
    }

    /** The totals and the groups, days in order (every day of the range, with or without runs). */
    public record Grouped(Figures total, List<Figures> days, List<Figures> venues, List<Figures> products) {
    }

    public static Grouped group(List<Run> runs, ZoneId zone, LocalDate firstDay, LocalDate lastDay) {
        Map<String, List<Run>> byDay = new LinkedHashMap<>();
        for (LocalDate day = firstDay; !day.isAfter(lastDay); day = day.plusDays(1)) {
            byDay.put(day.toString(), new ArrayList<>());
        }
        for (Run run : runs) {
            byDay.computeIfAbsent(LocalDate.ofInstant(run.startedAt(), zone).toString(), d -> new ArrayList<>())
                    .add(run);
        }
        return new Grouped(figures("all", runs), list(byDay), list(by(runs, Run::venueCode)),
                list(by(runs, Run::productType)));
    }

    private static Map<String, List<Run>> by(List<Run> runs, Function<Run, String> key) {
        Map<String, List<Run>> groups = new TreeMap<>();
        for (Run run : runs) {
            String value = key.apply(run);
            groups.computeIfAbsent(value == null || value.isBlank() ? NONE : value, k -> new ArrayList<>()).add(run);
        }
        return groups;
    }

    private static List<Figures> list(Map<String, List<Run>> groups) {
        return groups.entrySet().stream().map(e -> figures(e.getKey(), e.getValue())).toList();
    }

    static Figures figures(String key, List<Run> runs) {
        long successes = 0;
        long failures = 0;
        long interrupted = 0;
        List<Double> durations = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        Map<String, String> shown = new HashMap<>();
        Map<String, Long> reasons = new HashMap<>();
        for (Run run : runs) {
            switch (run.status()) {
                case "success" -> {
                    successes++;
                    if (run.completedAt() != null && !run.completedAt().isBefore(run.startedAt())) {
                        durations.add(Duration.between(run.startedAt(), run.completedAt()).toMillis() / 1000.0);
                    }
                    if (run.rateBps() != null && run.rateBps() > 0) {
                        rates.add(run.rateBps() / MB);
                    }
                }
                case "failed", "interrupted" -> {
                    if (run.status().equals("failed")) {
                        failures++;
                    } else {
                        interrupted++;
                    }
                    String reason = FailureReasons.of(run.status(), run.message(), run.errorMessage());
                    String k = FailureReasons.key(reason);
                    shown.putIfAbsent(k, reason);
                    reasons.merge(k, 1L, Long::sum);
                }
                default -> {
                    // still under way: counted below
                }
            }
        }
        long ended = successes + failures + interrupted;
        Double percent = ended == 0 ? null : round(100.0 * successes / ended);
        return new Figures(key, runs.size(), successes, failures, interrupted, runs.size() - ended, percent,
                round(median(durations)), round(percentile(durations, 95)), round(median(rates)),
                topReasons(reasons, shown));
    }

    private static List<ReasonCount> topReasons(Map<String, Long> counts, Map<String, String> shown) {
        List<ReasonCount> all = counts.entrySet().stream()
                .map(e -> new ReasonCount(shown.get(e.getKey()), e.getValue()))
                .sorted(Comparator.comparingLong(ReasonCount::count).reversed().thenComparing(ReasonCount::reason))
                .toList();
        if (all.size() <= MAX_REASONS) {
            return all;
        }
        List<ReasonCount> top = new ArrayList<>(all.subList(0, MAX_REASONS - 1));
        top.add(new ReasonCount(OTHER_REASONS, all.subList(MAX_REASONS - 1, all.size()).stream()
                .mapToLong(ReasonCount::count).sum()));
        return top;
    }

    /** The middle value (the mean of the two middle ones for an even count); null for none. */
    static Double median(List<Double> values) {
        if (values.isEmpty()) {
            return null;
        }
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The nearest-rank percentile: the smallest value with at least {@code p} % of the values at or below it. */
    static Double percentile(List<Double> values, int p) {
        if (values.isEmpty()) {
            return null;
        }
        List<Double> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(rank, 1) - 1);
    }

    /** One decimal: seconds, MB/s and percentages are read, not computed on. */
    static Double round(Double value) {
        return value == null ? null : Math.round(value * 10) / 10.0;
    }
}
