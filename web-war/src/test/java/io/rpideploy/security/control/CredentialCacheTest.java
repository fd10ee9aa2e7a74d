package io.rpideploy.security.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CredentialCacheTest {

    @Test
    void remembersOnlyTheExactPasswordOfTheUser() {
        CredentialCache cache = new CredentialCache();
        assertTrue(cache.recentlyVerified("ann", "secret-one".toCharArray()).isEmpty());
        cache.remember("ann", "secret-one".toCharArray(), Set.of("viewer", "operator"));
        assertEquals(Optional.of(Set.of("viewer", "operator")), cache.recentlyVerified("ann", "secret-one".toCharArray()));
        assertTrue(cache.recentlyVerified("ann", "secret-two".toCharArray()).isEmpty());
        assertTrue(cache.recentlyVerified("bob", "secret-one".toCharArray()).isEmpty());
    }

    @Test
    void forgettingAUserForcesAFreshCheck() {
        CredentialCache cache = new CredentialCache();
        cache.remember("ann", "secret-one".toCharArray(), Set.of("viewer"));
        cache.forget("ann");
        assertTrue(cache.recentlyVerified("ann", "secret-one".toCharArray()).isEmpty());
    }

    @Test
    void twoServersNeverShareTheirMemory() {
        CredentialCache one = new CredentialCache();
        CredentialCache two = new CredentialCache();
        one.remember("ann", "secret-one".toCharArray(), Set.of("viewer"));
        assertTrue(two.recentlyVerified("ann", "secret-one".toCharArray()).isEmpty());
    }
}
