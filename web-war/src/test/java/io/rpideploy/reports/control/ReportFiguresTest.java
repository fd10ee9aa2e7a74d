package io.rpideploy.reports.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.rpideploy.reports.control.ReportFigures.Figures;
import io.rpideploy.reports.control.ReportFigures.Grouped;
import io.rpideploy.reports.control.ReportFigures.ReasonCount;
import io.rpideploy.reports.control.ReportFigures.Run;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportFiguresTest {

    private static final ZoneId ZONE = ZoneId.of("Europe/Berlin");
    private static final Instant DAY1 = Instant.parse("2026-11-30T08:00:00Z");
    private static final Instant DAY2 = Instant.parse("2026-12-01T08:00:00Z");

    @Test
    void medianAndP95OfKnownDurations() {
        List<Double> ten = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            ten.add((double) i * 10);
        }
        assertEquals(55.0, ReportFigures.median(ten));
        // nearest rank: ceil(0.95 * 10) = 10th value
        assertEquals(100.0, ReportFigures.percentile(ten, 95));
        List<Double> twenty = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            twenty.add((double) i);
        }
        assertEquals(19.0, ReportFigures.percentile(twenty, 95), "ceil(0.95 * 20) = 19th value");
        assertEquals(10.5, ReportFigures.median(twenty));
        assertEquals(7.0, ReportFigures.median(List.of(9.0, 7.0, 1.0)), "odd count: the middle one, sorted");
        assertEquals(4.0, ReportFigures.percentile(List.of(4.0), 95));
        assertNull(ReportFigures.median(List.of()));
        assertNull(ReportFigures.percentile(List.of(), 95));
    }

    @Test
    void successfulRunsGiveDurationsAndRatesFailuresGiveReasons() {
        List<Run> runs = List.of(
                success(1, DAY1, 300, 20L * 1048576),
                success(2, DAY1, 500, 30L * 1048576),
                success(3, DAY1, 400, 10L * 1048576),
                failed(4, DAY1, null, "SD card write error"),
                failed(5, DAY1, null, "SD card write error"),
                new Run(6, DAY1, null, "interrupted", "CORO", "KXP2", null,
                        "No report from the board for 10 minutes", "No report from the board for 10 minutes"),
                new Run(7, DAY1, null, "downloading", "CORO", "KXP2", 5L * 1048576, "writing", null));
        Figures f = ReportFigures.figures("all", runs);
        assertEquals(7, f.deployments());
        assertEquals(3, f.successes());
        assertEquals(2, f.failures());
        assertEquals(1, f.interrupted());
        assertEquals(1, f.inProgress());
        assertEquals(50.0, f.successPercent(), "3 of the 6 runs that ended");
        assertEquals(400.0, f.medianDurationSeconds());
        assertEquals(500.0, f.p95DurationSeconds());
        assertEquals(20.0, f.medianMbPerSecond(), "of successful runs only (the running one's 5 MB/s is not)");
        assertEquals(List.of(new ReasonCount("SD card write error", 2),
                new ReasonCount("interrupted: No report from the board for N minutes", 1)), f.failureReasons());
    }

    @Test
    void runsAreGroupedByLocalDayVenueAndProductAndEveryDayOfTheRangeIsListed() {
        // 23:30 UTC on 30 November is 00:30 on 1 December in Berlin: the server's day counts
        Instant lateUtc = Instant.parse("2026-11-30T23:30:00Z");
        List<Run> runs = List.of(
                success(1, DAY1, 60, null),
                new Run(2, lateUtc, lateUtc.plusSeconds(120), "success", "LEHR", "RXP2", null, null, null),
                failed(3, DAY2, "image download failed (HTTP error, resume time exhausted)",
                        "GET http://10.0.0.1/images/7 answered HTTP 503"),
                new Run(4, DAY2, null, "starting", null, null, null, null, null));
        Grouped g = ReportFigures.group(runs, ZONE, LocalDate.of(2026, 11, 29), LocalDate.of(2026, 12, 2));
        assertEquals(List.of("2026-11-29", "2026-11-30", "2026-12-01", "2026-12-02"),
                g.days().stream().map(Figures::key).toList());
        assertEquals(List.of(0L, 1L, 3L, 0L), g.days().stream().map(Figures::deployments).toList());
        assertNull(g.days().get(0).successPercent(), "no run ended that day");
        assertEquals(List.of("(none)", "CORO", "LEHR"), g.venues().stream().map(Figures::key).toList());
        assertEquals(List.of(1L, 2L, 1L), g.venues().stream().map(Figures::deployments).toList());
        assertEquals(List.of("(none)", "KXP2", "RXP2"), g.products().stream().map(Figures::key).toList());
        Figures day2 = g.days().get(2);
        assertEquals(1, day2.successes());
        assertEquals(1, day2.failures());
        assertEquals(1, day2.inProgress());
        assertEquals(120.0, day2.medianDurationSeconds());
        assertEquals(List.of(new ReasonCount("image download failed", 1)), day2.failureReasons(),
                "the installer's cause, not its detail");
        assertEquals(4, g.total().deployments());
    }

    @Test
    void anEmptyRangeHasZeroCountsAndNoFigures() {
        Grouped g = ReportFigures.group(List.of(), ZONE, LocalDate.of(2026, 12, 1), LocalDate.of(2026, 12, 7));
        assertEquals(7, g.days().size());
        Figures total = g.total();
        assertEquals(0, total.deployments());
        assertNull(total.successPercent());
        assertNull(total.medianDurationSeconds());
        assertNull(total.p95DurationSeconds());
        assertNull(total.medianMbPerSecond());
        assertEquals(List.of(), total.failureReasons());
        assertEquals(List.of(), g.venues());
        assertEquals(List.of(), g.products());
    }

    @Test
    void beyondTenReasonsTheRestIsOneLine() {
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            for (int n = 0; n <= i; n++) {
                runs.add(failed(runs.size(), DAY1, null, "cause " + (char) ('a' + i) + " broke"));
            }
        }
        List<ReasonCount> reasons = ReportFigures.figures("all", runs).failureReasons();
        assertEquals(10, reasons.size());
        assertEquals(new ReasonCount("cause l broke", 12), reasons.get(0));
        assertEquals(new ReasonCount("other reasons", 1 + 2 + 3), reasons.get(9));
    }

    private static Run success(long id, Instant start, long seconds, Long rate) {
        return new Run(id, start, start.plusSeconds(seconds), "success", "CORO", "KXP2", rate, "done", null);
    }

    private static Run failed(long id, Instant start, String message, String error) {
        return new Run(id, start, start.plusSeconds(30), "failed", "CORO", "KXP2", null, message, error);
    }
}
