package io.rpideploy.netboot.api;

import java.util.Locale;

/** A netboot server's state as the health check and the console show it. */
public enum ServerState {
    /** Not configured (no deployment interface or address). */
    DISABLED,
    /** Activated, binding. */
    STARTING,
    /** Bound and serving. */
    UP,
    /** Could not bind or failed; retried. */
    DOWN;

    /** The name in JSON and on screen: {@code up}, {@code down}, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
