package io.rpideploy.deployments.entity;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a deployment is. Stored and sent in lower case ({@code downloading}), as the plan's installer reports it.
 * The rank orders the installer's steps; the transition rules live in {@code DeploymentRules}.
 */
public enum DeploymentState {
    /** /api/config handed out hostname and image. */
    STARTED(0),
    /** The installer began (the plan's script reports it before asking for its config). */
    STARTING(0),
    DOWNLOADING(1),
    VERIFYING(2),
    CUSTOMIZING(3),
    SUCCESS(4),
    FAILED(4),
    /** Set by the server, never reported: the board went silent, or started over. */
    INTERRUPTED(-1);

    private final int rank;

    DeploymentState(int rank) {
        this.rank = rank;
    }

    public int rank() {
        return rank;
    }

    /** The text in the database and the API. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isFinal() {
        return this == SUCCESS || this == FAILED;
    }

    /** Still under way: what the dashboard counts as active and what the watchdog watches. */
    public boolean isActive() {
        return !isFinal() && this != INTERRUPTED;
    }

    /** A state a board may send to /api/status ({@code started} and {@code interrupted} are the server's). */
    public boolean isReportable() {
        return this != STARTED && this != INTERRUPTED;
    }

    public static Optional<DeploymentState> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String wanted = text.trim();
        return Arrays.stream(values()).filter(s -> s.name().equalsIgnoreCase(wanted)).findFirst();
    }
}
