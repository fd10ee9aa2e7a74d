package io.rpideploy.security.control;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Remembers, for a few minutes, that a user's password was verified, and the user's groups at that moment (any
 * change to the user forgets it, so a disabled account or a new role takes effect on the next request). PBKDF2 costs tens of milliseconds by design;
 * HTTP Basic sends the password with every API call, and paying that on each one would cap the API at a few dozen
 * requests per second. Only an HMAC of the password under a key that lives in this process's memory is kept.
 */
@ApplicationScoped
public class CredentialCache {

    static final Duration TTL = Duration.ofMinutes(5);

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final byte[] key = new byte[32];
    private final Clock clock = Clock.systemUTC();

    public CredentialCache() {
        new SecureRandom().nextBytes(key);
    }

    /** The user's groups when this exact password was verified within the last few minutes; else empty. */
    public Optional<Set<String>> recentlyVerified(String username, char[] password) {
        Entry entry = entries.get(username);
        if (entry == null || clock.instant().isAfter(entry.expires())
                || !MessageDigest.isEqual(entry.mac(), mac(username, password))) {
            return Optional.empty();
        }
        return Optional.of(entry.groups());
    }

    public void remember(String username, char[] password, Set<String> groups) {
        entries.put(username, new Entry(mac(username, password), Set.copyOf(groups), clock.instant().plus(TTL)));
    }

    /** Called on any change to the user (password, role, enabled), so the next request is checked afresh. */
    public void forget(String username) {
        entries.remove(username);
    }

    private byte[] mac(String username, char[] password) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(key, "HmacSHA256"));
            hmac.update(username.getBytes(StandardCharsets.UTF_8));
            hmac.update((byte) 0);
            ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
            byte[] raw = Arrays.copyOf(bytes.array(), bytes.limit());
            byte[] result = hmac.doFinal(raw);
            Arrays.fill(raw, (byte) 0);
            return result;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java platform", e);
        }
    }

    private record Entry(byte[] mac, Set<String> groups, Instant expires) {
    }
}
