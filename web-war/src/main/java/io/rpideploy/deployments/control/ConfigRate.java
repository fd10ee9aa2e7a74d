package io.rpideploy.deployments.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * How often one address may ask /api/config. A board asks once per run (a few times when it retries), so a client
 * that asks dozens of times a minute is inventing serials to drain a pool: it gets 429 after its allowance (a
 * token bucket per address). Loopback is the server's own host and is not limited.
 *
 * <p>A refusal is held back before it is sent ({@link #refusalDelayMillis}): a client that asks again as soon as
 * it is refused then asks once per delay per connection, whatever its speed, so a flood costs the server a few
 * cheap refusals a second instead of all its CPU. Held refusals are bounded per address and in all; past that a
 * refusal is sent at once and the connection closed.
 */
@ApplicationScoped
public class ConfigRate {

    private static final int MAX_TRACKED = 10_000;
    static final int MAX_HELD_PER_ADDRESS = 32;
    static final int MAX_HELD = 2_048;

    @Inject
    @ConfigProperty(name = "rpideploy.deployment.config-requests-per-minute", defaultValue = "20")
    int perMinute;

    @Inject
    @ConfigProperty(name = "rpideploy.deployment.config-refusal-delay-ms", defaultValue = "1000")
    long refusalDelayMillis;

    @Inject
    Clock clock;

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> heldBy = new ConcurrentHashMap<>();
    private final AtomicInteger held = new AtomicInteger();

    /**
     * What to do with one request from this address.
     *
     * @param admitted   served as usual (one token taken)
     * @param holdMillis refused: the refusal is sent after this long (0: at once, and the connection is closed);
     *                   a held refusal must be {@linkplain #released released} once sent
     * @param retryAfter seconds until this address has a request's allowance again (the 429's Retry-After)
     */
    public record Admission(boolean admitted, long holdMillis, long retryAfter) {
        static final Admission ADMITTED = new Admission(true, 0, 0);

        public boolean held() {
            return !admitted && holdMillis > 0;
        }
    }

    public Admission admit(String ip) {
        if (perMinute <= 0 || ReportOrigin.loopback(ip)) {
            return Admission.ADMITTED;
        }
        long now = clock.millis();
        if (buckets.size() > MAX_TRACKED) {
            buckets.values().removeIf(b -> b.full(now, perMinute));
        }
        Bucket bucket = buckets.computeIfAbsent(ip, k -> new Bucket(perMinute, now));
        long wait = bucket.take(now, perMinute);
        if (wait == 0) {
            return Admission.ADMITTED;
        }
        long retryAfter = Math.max(1, (wait + 999) / 1000);
        if (refusalDelayMillis <= 0 || !hold(ip)) {
            return new Admission(false, 0, retryAfter);
        }
        return new Admission(false, refusalDelayMillis, retryAfter);
    }

    /** A held refusal was sent (or its connection is gone): its place is free again. */
    public void released(String ip) {
        held.decrementAndGet();
        heldBy.computeIfPresent(ip, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    /** Refusals held now (for the tests and the metrics). */
    public int held() {
        return held.get();
    }

    public String refusalMessage(String ip) {
        return "Too many configuration requests from " + ip + " (at most " + perMinute
                + " a minute); a board asks once per run";
    }

    private boolean hold(String ip) {
        if (held.incrementAndGet() > MAX_HELD) {
            held.decrementAndGet();
            return false;
        }
        boolean[] taken = {false};
        heldBy.compute(ip, (k, n) -> {
            AtomicInteger count = n == null ? new AtomicInteger() : n;
            taken[0] = count.incrementAndGet() <= MAX_HELD_PER_ADDRESS;
            if (!taken[0]) {
                count.decrementAndGet();
            }
            return count.get() == 0 ? null : count;
        });
        if (!taken[0]) {
            held.decrementAndGet();
        }
        return taken[0];
    }

    /** Tokens refill continuously at {@code perMinute}; the bucket holds at most a minute's worth. */
    static final class Bucket {
        private double tokens;
        private long at;

        Bucket(int perMinute, long now) {
            this.tokens = perMinute;
            this.at = now;
        }

        /** Takes a token and answers 0, or answers how many milliseconds until there is one. */
        synchronized long take(long now, int perMinute) {
            refill(now, perMinute);
            if (tokens < 1) {
                return Math.max(1, (long) Math.ceil((1 - tokens) * 60_000.0 / perMinute));
            }
            tokens -= 1;
            return 0;
        }

        synchronized boolean full(long now, int perMinute) {
            refill(now, perMinute);
            return tokens >= perMinute;
        }

        private void refill(long now, int perMinute) {
            tokens = Math.min(perMinute, tokens + (now - at) * perMinute / 60_000.0);
            at = now;
        }
    }
}
