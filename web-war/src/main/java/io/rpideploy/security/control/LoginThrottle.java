package io.rpideploy.security.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Slows password guessing to a crawl: after a few failed logins for one account, or from one address, every further
 * attempt waits out a lockout that doubles with each failure (up to {@link #MAX_LOCK}), and is refused without
 * looking at the password meanwhile. A success clears the account's and the address's record. Kept in memory:
 * a restart forgets it, which costs an attacker a restart they cannot cause.
 */
@ApplicationScoped
public class LoginThrottle {

    static final Duration MAX_LOCK = Duration.ofMinutes(15);
    static final long FIRST_LOCK_SECONDS = 5;
    /** Failures older than this are forgotten. */
    static final Duration WINDOW = Duration.ofMinutes(30);
    private static final int MAX_TRACKED = 10_000;
    private static final Logger LOG = Logger.getLogger(LoginThrottle.class.getName());

    @Inject
    @ConfigProperty(name = "rpideploy.login.free-failures", defaultValue = "5")
    int freeFailures;

    @Inject
    Clock clock;

    private final Map<String, Record> accounts = new ConcurrentHashMap<>();
    private final Map<String, Record> addresses = new ConcurrentHashMap<>();

    /** How long this attempt must still wait; empty when it may be checked now. */
    public Optional<Duration> lockedFor(String username, String address) {
        Instant now = clock.instant();
        Instant until = later(lockEnd(accounts.get(key(username)), now),
                lockEnd(addresses.get(address), now));
        return until.isAfter(now) ? Optional.of(Duration.between(now, until)) : Optional.empty();
    }

    /** A wrong password (or unknown user): counts against both, and says whether a lockout starts now. */
    public Duration failed(String username, String address) {
        Instant now = clock.instant();
        if (accounts.size() + addresses.size() > MAX_TRACKED) {
            prune(now);
        }
        Record account = accounts.compute(key(username), (k, r) -> Record.next(r, now, freeFailures));
        // an address may fail more often than an account: several people behind one NAT mistype
        Record source = addresses.compute(address, (k, r) -> Record.next(r, now, freeFailures * 10));
        Instant until = later(account.lockedUntil(), source.lockedUntil());
        Duration lock = until.isAfter(now) ? Duration.between(now, until) : Duration.ZERO;
        if (!lock.isZero()) {
            LOG.warning(() -> "Login locked for " + lock.toSeconds() + " s after failures: user '" + username
                    + "' (" + account.failures() + "), address " + address + " (" + source.failures() + ")");
        }
        return lock;
    }

    public void succeeded(String username, String address) {
        accounts.remove(key(username));
        addresses.remove(address);
    }

    private void prune(Instant now) {
        accounts.values().removeIf(r -> r.last().plus(WINDOW).isBefore(now));
        addresses.values().removeIf(r -> r.last().plus(WINDOW).isBefore(now));
        if (accounts.size() + addresses.size() > MAX_TRACKED) {
            // a flood of distinct names: keep the addresses (the attacker's), drop the invented accounts
            accounts.clear();
        }
    }

    private static Instant lockEnd(Record record, Instant now) {
        return record == null || record.last().plus(WINDOW).isBefore(now) ? Instant.EPOCH : record.lockedUntil();
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static String key(String username) {
        return username == null ? "" : username.trim().toLowerCase(Locale.ROOT);
    }

    record Record(int failures, Instant last, Instant lockedUntil) {

        static Record next(Record previous, Instant now, int free) {
            int failures = previous == null || previous.last().plus(WINDOW).isBefore(now) ? 1
                    : previous.failures() + 1;
            Instant until = Instant.EPOCH;
            if (failures >= free) {
                long seconds = Math.min(MAX_LOCK.toSeconds(), FIRST_LOCK_SECONDS << Math.min(20, failures - free));
                until = now.plusSeconds(seconds);
            }
            return new Record(failures, now, until);
        }
    }
}
