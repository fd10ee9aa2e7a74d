package io.rpideploy.reports.control;

import io.rpideploy.hostnames.control.HostnameRules;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.platform.control.InstantConverter;
import io.rpideploy.platform.control.TimeRange;
import io.rpideploy.reports.control.ReportFigures.Figures;
import io.rpideploy.reports.control.ReportFigures.Grouped;
import io.rpideploy.reports.control.ReportFigures.Run;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.Query;
import java.io.Serializable;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The Reports page's figures for a range of days, a venue and a product: what is a count in SQL is counted there
 * (how many runs the range holds, the plan's per-board summary); the rest needs each run's values (the server's
 * local day of a run, which SQLite's own "localtime" may not agree with, medians, percentiles), so the runs are read
 * once, in a narrow projection and at most {@link #MAX_RUNS} of them, and grouped in Java.
 */
@ApplicationScoped
public class DeploymentReports {

    /** Runs one report reads: a year of a busy venue (a hundred boards a day) and then some. */
    public static final int MAX_RUNS = 50_000;
    /** Days one report covers. */
    public static final int MAX_DAYS = 366;
    /** Days of the default range, today included. */
    public static final int DEFAULT_DAYS = 7;

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    /** The filter as sent (each part optional): days of the server's time zone or instants, a venue, a product. */
    public record Filter(String from, String to, String venueCode, String productType) {
        public static final Filter DEFAULT = new Filter(null, null, null, null);
    }

    /**
     * The plan's {@code check_deployments.py} for the range: each board counted once, by its latest run. The plan
     * counts everything neither successful nor failed as in progress; here the runs the server ended are apart.
     */
    public record Boards(long uniqueBoards, long successful, long failed, long inProgress, long interrupted)
            implements Serializable {
    }

    /** A whole report: the filter it was made for (days, venue, product as normalised), boards and figures. */
    public record Summary(LocalDate from, LocalDate to, String venueCode, String productType, String timeZone,
                          Boards boards, Figures total, List<Figures> days, List<Figures> venues,
                          List<Figures> products)
            implements Serializable {
    }

    public Summary summary(Filter filter) {
        ZoneId zone = ZoneId.systemDefault();
        String venue = present(filter.venueCode()) ? HostnameRules.venueCode(filter.venueCode(), "venue_code") : null;
        String product = present(filter.productType())
                ? HostnameRules.product(filter.productType(), "product_type").name() : null;
        TimeRange given = TimeRange.of(filter.from(), filter.to());
        LocalDate today = LocalDate.now(clock.withZone(zone));
        // without an end, the report runs to today (or to its first day, when that is later)
        LocalDate defaultEnd = given.from() == null ? today : max(today, LocalDate.ofInstant(given.from(), zone));
        Instant to = given.to() != null ? given.to() : defaultEnd.plusDays(1).atStartOfDay(zone).toInstant();
        LocalDate lastDay = LocalDate.ofInstant(to.minusMillis(1), zone);
        Instant from = given.from() != null ? given.from()
                : lastDay.minusDays(DEFAULT_DAYS - 1).atStartOfDay(zone).toInstant();
        LocalDate firstDay = LocalDate.ofInstant(from, zone);
        if (ChronoUnit.DAYS.between(firstDay, lastDay) + 1 > MAX_DAYS) {
            throw DomainException.invalid("from", "A report covers at most " + MAX_DAYS + " days");
        }

        List<Object> values = new ArrayList<>(List.of(InstantConverter.format(from), InstantConverter.format(to)));
        StringBuilder where = new StringBuilder(" WHERE started_at >= ?1 AND started_at < ?2");
        if (venue != null) {
            values.add(venue);
            where.append(" AND venue_code = ?").append(values.size());
        }
        if (product != null) {
            values.add(product);
            where.append(" AND product_type = ?").append(values.size());
        }
        long count = ((Number) bind(em.createNativeQuery("SELECT COUNT(*) FROM deployment" + where), values)
                .getSingleResult()).longValue();
        if (count > MAX_RUNS) {
            throw DomainException.invalid("from", "These days hold " + count + " deployments; a report reads at most "
                    + MAX_RUNS + ": choose fewer days, a venue or a product");
        }
        List<Run> runs = count == 0 ? List.of() : runs(where.toString(), values);
        Grouped grouped = ReportFigures.group(runs, zone, firstDay, lastDay);
        return new Summary(firstDay, lastDay, venue, product, zone.getId(), boards(where.toString(), values),
                grouped.total(), grouped.days(), grouped.venues(), grouped.products());
    }

    /** A report of one day without runs: what a page shows when it could make no report at all. */
    public Summary empty(LocalDate day) {
        Grouped none = ReportFigures.group(List.of(), ZoneId.systemDefault(), day, day);
        return new Summary(day, day, null, null, ZoneId.systemDefault().getId(), new Boards(0, 0, 0, 0, 0),
                none.total(), none.days(), none.venues(), none.products());
    }

    @SuppressWarnings("unchecked")
    private List<Run> runs(String where, List<Object> values) {
        List<Object[]> rows = bind(em.createNativeQuery("SELECT id, started_at, completed_at, status, venue_code,"
                + " product_type, rate_bps, message, error_message FROM deployment" + where + " ORDER BY id LIMIT "
                + MAX_RUNS), values).getResultList();
        List<Run> runs = new ArrayList<>(rows.size());
        for (Object[] r : rows) {
            runs.add(new Run(((Number) r[0]).longValue(), instant(r[1]), instant(r[2]), (String) r[3], (String) r[4],
                    (String) r[5], r[6] == null ? null : ((Number) r[6]).longValue(), (String) r[7], (String) r[8]));
        }
        return runs;
    }

    /** Each board once, by its latest run in the range (highest id); a board is its serial, else its MAC. */
    @SuppressWarnings("unchecked")
    private Boards boards(String where, List<Object> values) {
        List<Object[]> rows = bind(em.createNativeQuery("SELECT status, COUNT(*) FROM deployment WHERE id IN"
                + " (SELECT MAX(id) FROM deployment" + where
                + " GROUP BY COALESCE(serial_number, mac_address, 'run ' || id)) GROUP BY status"), values)
                .getResultList();
        long unique = 0;
        long success = 0;
        long failed = 0;
        long interrupted = 0;
        for (Object[] r : rows) {
            long n = ((Number) r[1]).longValue();
            unique += n;
            switch ((String) r[0]) {
                case "success" -> success += n;
                case "failed" -> failed += n;
                case "interrupted" -> interrupted += n;
                default -> { } // under way
            }
        }
        return new Boards(unique, success, failed, unique - success - failed - interrupted, interrupted);
    }

    private static LocalDate max(LocalDate a, LocalDate b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant instant(Object text) {
        return text == null ? null : Instant.parse((String) text);
    }

    private static boolean present(String text) {
        return text != null && !text.isBlank();
    }

    private static Query bind(Query query, List<Object> values) {
        for (int i = 0; i < values.size(); i++) {
            query.setParameter(i + 1, values.get(i));
        }
        return query;
    }
}
