package io.rpideploy.deployments.control;

import io.rpideploy.platform.control.DomainException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * How often one address may ask /api/config. A board asks once per run (a few times when it retries), so a client
 * that asks dozens of times a minute is inventing serials to drain a pool: it gets 429 after its allowance (a
 * token bucket per address). Loopback is the server's own host and is not limited.
 */
@ApplicationScoped
public class ConfigRate {

    private static final int MAX_TRACKED = 10_000;

    @Inject
    @ConfigProperty(name = "rpideploy.deployment.config-requests-per-minute", defaultValue = "20")
    int perMinute;

    @Inject
    Clock clock;

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** Takes one request from this address's allowance, or refuses it with 429. */
    public void take(String ip) {
        if (perMinute <= 0 || ReportOrigin.loopback(ip)) {
            return;
        }
        long now = clock.millis();
        if (buckets.size() > MAX_TRACKED) {
            buckets.values().removeIf(b -> b.full(now, perMinute));
        }
        Bucket bucket = buckets.computeIfAbsent(ip, k -> new Bucket(perMinute, now));
        if (!bucket.take(now, perMinute)) {
            throw new DomainException(DomainException.Kind.TOO_MANY_REQUESTS, null, "Too many configuration "
                    + "requests from " + ip + " (at most " + perMinute + " a minute); a board asks once per run");
        }
    }

    /** Tokens refill continuously at {@code perMinute}; the bucket holds at most a minute's worth. */
    static final class Bucket {
        private double tokens;
        private long at;

        Bucket(int perMinute, long now) {
            this.tokens = perMinute;
            this.at = now;
        }

        synchronized boolean take(long now, int perMinute) {
            refill(now, perMinute);
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
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
