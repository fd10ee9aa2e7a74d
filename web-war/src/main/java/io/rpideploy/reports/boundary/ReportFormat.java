package io.rpideploy.reports.boundary;

import java.util.Locale;

/** How the page and the PDF write a report's figures; a dash where there is nothing to say (no run ended). */
final class ReportFormat {

    static final String NOTHING = "–";

    private ReportFormat() {
    }

    static String percent(Double value) {
        return value == null ? NOTHING : String.format(Locale.ROOT, "%.1f %%", value);
    }

    /** Seconds under a minute, then minutes and seconds, then hours and minutes: as an operator says them. */
    static String duration(Double seconds) {
        if (seconds == null) {
            return NOTHING;
        }
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long whole = Math.round(seconds);
        if (whole < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", whole / 60, whole % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", whole / 3600, whole % 3600 / 60);
    }

    static String rate(Double mbPerSecond) {
        return mbPerSecond == null ? NOTHING : String.format(Locale.ROOT, "%.1f", mbPerSecond);
    }
}
