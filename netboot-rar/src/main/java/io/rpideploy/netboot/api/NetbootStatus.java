package io.rpideploy.netboot.api;

import java.time.Instant;
import java.util.Optional;

/**
 * Whether the netboot adapter is running, readable by the application's health check. The class is loaded from
 * the rar, so the adapter and every application see the same one; that shared class is the point of this static
 * state, which nothing else in the adapter has.
 */
public final class NetbootStatus {

    private static volatile Instant adapterStartedAt;

    private NetbootStatus() {
    }

    /** Called by the resource adapter's start and stop. */
    public static void adapterRunning(Instant since) {
        adapterStartedAt = since;
    }

    public static Optional<Instant> adapterStartedAt() {
        return Optional.ofNullable(adapterStartedAt);
    }
}
