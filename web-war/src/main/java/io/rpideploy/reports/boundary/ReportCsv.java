package io.rpideploy.reports.boundary;

import static io.rpideploy.platform.boundary.CsvCells.cell;

import io.rpideploy.reports.control.DeploymentReports.Boards;
import io.rpideploy.reports.control.DeploymentReports.Summary;
import io.rpideploy.reports.control.ReportFigures.Figures;
import io.rpideploy.reports.control.ReportFigures.ReasonCount;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A report as CSV: the rows of the JSON summary, one line per group ({@code scope} total, day, venue or product),
 * then the plan's board summary as a line of scope {@code boards} (its counts in the same columns: unique boards,
 * successful, failed, interrupted, in progress). Cells from boards (failure reasons) are neutralised as in every
 * export of the console.
 */
final class ReportCsv {

    static final String HEADER = "scope,key,deployments,successes,failures,interrupted,in_progress,success_percent,"
            + "median_duration_s,p95_duration_s,median_mb_per_s,failure_reasons";

    private ReportCsv() {
    }

    static List<String> lines(Summary s) {
        List<String> lines = new ArrayList<>();
        lines.add(HEADER);
        lines.add(line("total", s.total()));
        s.days().forEach(f -> lines.add(line("day", f)));
        s.venues().forEach(f -> lines.add(line("venue", f)));
        s.products().forEach(f -> lines.add(line("product", f)));
        Boards b = s.boards();
        lines.add(String.join(",", "boards", "latest run per board", String.valueOf(b.uniqueBoards()),
                String.valueOf(b.successful()), String.valueOf(b.failed()), String.valueOf(b.interrupted()),
                String.valueOf(b.inProgress()), "", "", "", "", ""));
        return lines;
    }

    static String text(Summary s) {
        return lines(s).stream().map(l -> l + "\r\n").collect(Collectors.joining());
    }

    static String line(String scope, Figures f) {
        return String.join(",", scope, cell(f.key()), String.valueOf(f.deployments()), String.valueOf(f.successes()),
                String.valueOf(f.failures()), String.valueOf(f.interrupted()), String.valueOf(f.inProgress()),
                number(f.successPercent()), number(f.medianDurationSeconds()), number(f.p95DurationSeconds()),
                number(f.medianMbPerSecond()), cell(reasons(f.failureReasons())));
    }

    /** "reason ×n; reason ×n", most frequent first. */
    static String reasons(List<ReasonCount> reasons) {
        return reasons.stream().map(r -> r.reason() + " ×" + r.count()).collect(Collectors.joining("; "));
    }

    private static String number(Double value) {
        return value == null ? "" : String.valueOf(value);
    }
}
