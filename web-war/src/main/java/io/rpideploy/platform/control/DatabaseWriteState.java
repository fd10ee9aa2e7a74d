package io.rpideploy.platform.control;

import java.util.logging.Logger;

/**
 * The outcome of the latest writes, for {@code /health}: while writes go through, health needs no probe of its own;
 * once one failed, health probes until a write succeeds again.
 */
public final class DatabaseWriteState {

    private static final Logger LOG = Logger.getLogger(DatabaseWriteState.class.getName());
    /** Whether the latest outcome was a failure: one log line when writes start failing, one when they recover. */
    private static volatile boolean failing;

    private static volatile long lastSuccessNanos;
    private static volatile long lastFailureNanos;
    private static volatile boolean everSucceeded;
    private static volatile boolean everFailed;
    private static volatile DatabaseFailures.Kind lastFailure = DatabaseFailures.Kind.NONE;

    private DatabaseWriteState() {
    }

    static void succeeded() {
        lastSuccessNanos = System.nanoTime();
        everSucceeded = true;
        if (failing) {
            failing = false;
            LOG.info("database writes go through again");
        }
    }

    static void failed(DatabaseFailures.Kind kind) {
        lastFailure = kind;
        lastFailureNanos = System.nanoTime();
        everFailed = true;
        if (!failing) {
            failing = true;
            LOG.warning(() -> "database writes are refused (" + kind + "): clients get 503 until they go through");
        }
    }

    /** Whether a write succeeded within {@code windowNanos} of {@code now} and none failed after it. */
    static boolean recentlyWritten(long now, long windowNanos) {
        long success = lastSuccessNanos;
        return everSucceeded && now - success < windowNanos && (!everFailed || success - lastFailureNanos > 0);
    }

    static DatabaseFailures.Kind lastFailure() {
        return lastFailure;
    }

    /** For tests: forget everything. */
    static void reset() {
        everSucceeded = false;
        everFailed = false;
        failing = false;
        lastFailure = DatabaseFailures.Kind.NONE;
    }
}
