package io.rpideploy.installer.report;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The text progress bar on the Pi's console: one line redrawn with carriage returns (at most 4 times a second),
 * percent, MiB done, MB/s and ETA.
 */
public final class ProgressConsole {

    private static final int WIDTH = 30;
    private final PrintStream out;
    private long lastDrawNanos;
    private boolean lineOpen;

    public ProgressConsole(PrintStream out) {
        this.out = out;
    }

    /** Redraws the bar; {@code total} may be 0 (unknown): then no bar and no ETA. */
    public synchronized void progress(String phase, long done, long total, double bytesPerSecond, boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastDrawNanos < 250_000_000L) {
            return;
        }
        lastDrawNanos = now;
        out.print('\r' + line(phase, done, total, bytesPerSecond));
        out.flush();
        lineOpen = true;
    }

    /** Ends a bar line (if any) and prints one message line. */
    public synchronized void println(String message) {
        if (lineOpen) {
            out.println();
            lineOpen = false;
        }
        out.println(message);
        out.flush();
    }

    static String line(String phase, long done, long total, double bytesPerSecond) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-11s", phase));
        if (total > 0) {
            double fraction = Math.min(1.0, (double) done / total);
            int filled = (int) Math.round(fraction * WIDTH);
            b.append(" [").append("#".repeat(filled)).append("-".repeat(WIDTH - filled)).append(']');
            b.append(String.format(Locale.ROOT, " %3d%%", (int) Math.floor(fraction * 100)));
        }
        b.append(String.format(Locale.ROOT, " %,d MiB", done >> 20));
        b.append(String.format(Locale.ROOT, " %6.1f MB/s", bytesPerSecond / 1e6));
        if (total > 0 && bytesPerSecond > 0 && done < total) {
            long eta = (long) ((total - done) / bytesPerSecond);
            b.append(String.format(Locale.ROOT, " ETA %d:%02d", eta / 60, eta % 60));
        } else {
            b.append("          ");
        }
        return b.toString();
    }
}
