package io.rpideploy.alerts.control;

import io.rpideploy.alerts.entity.AlertKind;
import io.rpideploy.platform.control.DomainException;
import java.time.Instant;
import java.util.List;

/** When an alert is raised, cleared or acknowledged, and what it says. No container, no database. */
public final class AlertRules {

    /** Longest message kept: a board's error text is the installer's, of any length. */
    static final int MAX_MESSAGE = 500;
    private static final long MIB = 1024L * 1024L;

    /** What to do with the alerts of one cause. */
    public enum Step {
        /** A new alert. */
        RAISE,
        /** The unacknowledged alert of a condition that had gone away: it holds again. */
        REOPEN,
        /** The condition went away: the alert says so and still waits for its acknowledgement. */
        CLEAR,
        NONE
    }

    /** The newest alert of a cause as the rules need it. */
    public record Latest(boolean acknowledged, boolean cleared) {
    }

    private AlertRules() {
    }

    /**
     * An event (a board failed, a rogue server answered): a new alert unless one about the same cause still waits
     * for its acknowledgement. {@code latest} is null when the cause never raised one.
     */
    public static Step event(Latest latest) {
        return latest != null && !latest.acknowledged() ? Step.NONE : Step.RAISE;
    }

    /**
     * A condition checked again and again (low disk, boot environment): raised when it starts, not again while it
     * lasts (even once acknowledged), cleared when it ends; a new alert when it comes back after an acknowledged
     * one, the same alert again when it comes back before anybody acknowledged it.
     */
    public static Step condition(Latest latest, boolean holds) {
        if (holds) {
            if (latest == null) {
                return Step.RAISE;
            }
            if (!latest.cleared()) {
                return Step.NONE;
            }
            return latest.acknowledged() ? Step.RAISE : Step.REOPEN;
        }
        return latest != null && !latest.cleared() ? Step.CLEAR : Step.NONE;
    }

    /** An alert is acknowledged once: a second acknowledgement (another operator, a second tab) is a conflict. */
    public static void requireOpen(long id, Instant acknowledgedAt, String acknowledgedBy) {
        if (acknowledgedAt != null) {
            throw DomainException.conflict("Alert " + id + " was already acknowledged by " + acknowledgedBy + " at "
                    + acknowledgedAt);
        }
    }

    /** Below the threshold (MiB) the disk is low; a threshold of 0 turns the check off. */
    public static boolean lowDisk(long usableBytes, long thresholdMib) {
        return thresholdMib > 0 && usableBytes < thresholdMib * MIB;
    }

    /**
     * The setting as read: a whole number of MiB, 0 or more. A negative value is a mistake, not a wish: as other
     * settings' impossible values are brought to the nearest possible one, it counts as 0 (off), and the caller says
     * so once at start.
     */
    public static long thresholdMib(long setting) {
        return Math.max(0, setting);
    }

    /** What is wrong with a {@code rpideploy.alerts.low-disk-mb} value, or null when it is usable. */
    public static String thresholdProblem(long setting) {
        return setting >= 0 ? null : "rpideploy.alerts.low-disk-mb (RPIDEPLOY_ALERTS_LOW_DISK_MB) must be 0 (off) or"
                + " more MiB, not " + setting + ": the low disk alert is off";
    }

    /** Seconds between two rounds of the checks: at least 1, as other intervals are. */
    public static long checkIntervalSeconds(long setting) {
        return Math.max(1, setting);
    }

    /** What is wrong with a {@code rpideploy.alerts.check-interval-seconds} value, or null when it is usable. */
    public static String intervalProblem(long setting) {
        return setting >= 1 ? null : "rpideploy.alerts.check-interval-seconds (RPIDEPLOY_ALERTS_CHECK_INTERVAL_SECONDS)"
                + " must be 1 or more, not " + setting + ": checking every second";
    }

    /** A kind as the API writes it ({@code failed_board}), for acknowledging all of a kind. */
    public static AlertKind kind(String label) {
        if (label != null) {
            for (AlertKind kind : AlertKind.values()) {
                if (kind.label().equals(label.trim())) {
                    return kind;
                }
            }
        }
        throw DomainException.invalid("kind", "kind must be one of " + java.util.Arrays.stream(AlertKind.values())
                .map(AlertKind::label).toList());
    }

    /** {@code ?state=}: {@code open} (default) or {@code all}; true for open only. */
    public static boolean openOnly(String state) {
        if (state == null || state.isBlank() || state.trim().equals("open")) {
            return true;
        }
        if (state.trim().equals("all")) {
            return false;
        }
        throw DomainException.invalid("state", "state must be open or all");
    }

    /** An alert id from a path. */
    public static long id(String text) {
        try {
            long id = Long.parseLong(text);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException notANumber) {
            // the message below
        }
        throw DomainException.invalid("id", "An alert id is a positive whole number");
    }

    public static String failedBoardCause(long deploymentId) {
        return "deployment " + deploymentId;
    }

    public static String failedBoard(String hostname, String serial, String error) {
        String board = hostname != null ? hostname : serial != null ? "Board " + serial : "A board";
        return bounded(board + (hostname != null && serial != null ? " (" + serial + ")" : "") + " failed: "
                + (error == null || error.isBlank() ? "no reason given" : error.strip()));
    }

    public static String rogueCause(String serverIp) {
        return "rogue-dhcp " + serverIp;
    }

    public static String rogue(String serverIp, String serverMac) {
        return "Another DHCP server answers on the deployment network: " + serverIp
                + (serverMac == null ? "" : " (" + serverMac + ")") + ". Boards may boot from it: find and stop it.";
    }

    public static String lowDiskCause(String folder) {
        return "low-disk " + folder;
    }

    public static String lowDisk(String folder, long usableBytes, long thresholdMib) {
        return "Low disk: " + usableBytes / MIB + " MiB free for " + folder + " (alert below " + thresholdMib
                + " MiB). Delete old images or grow the disk.";
    }

    public static String bootEnvironmentCause(String product) {
        return "boot-environment " + product;
    }

    public static String bootEnvironment(String product, List<String> problems) {
        return bounded("The " + product + " boot environment is not ready: " + (problems.isEmpty()
                ? "incomplete" : String.join("; ", problems)));
    }

    private static String bounded(String text) {
        return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE - 1) + "…";
    }
}
