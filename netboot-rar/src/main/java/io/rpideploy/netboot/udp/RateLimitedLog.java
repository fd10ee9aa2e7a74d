package io.rpideploy.netboot.udp;

import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * At most one log line per interval for a noisy event (malformed packets), with the count of the lines it
 * swallowed, so a packet flood cannot flood the log.
 */
public final class RateLimitedLog {

    private final Logger logger;
    private final Level level;
    private final long intervalNanos;
    private final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    public RateLimitedLog(Logger logger, Level level, java.time.Duration interval) {
        this.logger = logger;
        this.level = level;
        this.intervalNanos = interval.toNanos();
    }

    /** Logs the message unless one was logged less than the interval ago; returns whether it was logged. */
    public boolean log(String message) {
        long now = System.nanoTime();
        long next = nextAllowed.get();
        if ((next != Long.MIN_VALUE && now - next < 0) || !nextAllowed.compareAndSet(next, now + intervalNanos)) {
            suppressed.incrementAndGet();
            return false;
        }
        if (logger.isLoggable(level)) {
            long skipped = suppressed.getAndSet(0);
            logger.log(level, skipped == 0 ? message : message + " (" + skipped + " similar suppressed)");
        }
        return true;
    }
}
