package io.rpideploy.metrics.control;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Counts read from the database at most once per {@code maxAge}: a scraper polling every few seconds (or several
 * scrapers) costs one query per period. A failed read keeps the last counts (a scrape never fails for it) and is
 * tried again a period later.
 */
public final class CachedCounts {

    private static final Logger LOG = Logger.getLogger(CachedCounts.class.getName());

    private final Supplier<Map<String, Long>> reader;
    private final Duration maxAge;
    private final Clock clock;
    private Map<String, Long> counts = Map.of();
    private Instant readAt;

    public CachedCounts(Supplier<Map<String, Long>> reader, Duration maxAge, Clock clock) {
        this.reader = reader;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    public synchronized Map<String, Long> get() {
        Instant now = clock.instant();
        if (readAt == null || !now.isBefore(readAt.plus(maxAge))) {
            readAt = now;
            try {
                counts = Map.copyOf(reader.get());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "metrics: cannot read counts: {0}", e.getMessage());
            }
        }
        return counts;
    }
}
