package io.rpideploy.security.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CredentialCacheTest {

    @Test
    void remembersOnlyTheExactPasswordOfTheUser() {
        CredentialCache cache = new CredentialCache();
        assertFalse(cache.recentlyVerified("ann", "secret-one".toCharArray()));
        cache.remember("ann", "secret-one".toCharArray());
        assertTrue(cache.recentlyVerified("ann", "secret-one".toCharArray()));
        assertFalse(cache.recentlyVerified("ann", "secret-two".toCharArray()));
        assertFalse(cache.recentlyVerified("bob", "secret-one".toCharArray()));
    }

    @Test
    void forgettingAUserForcesAFreshCheck() {
        CredentialCache cache = new CredentialCache();
        cache.remember("ann", "secret-one".toCharArray());
        cache.forget("ann");
        assertFalse(cache.recentlyVerified("ann", "secret-one".toCharArray()));
    }

    @Test
    void twoServersNeverShareTheirMemory() {
        CredentialCache one = new CredentialCache();
        CredentialCache two = new CredentialCache();
        one.remember("ann", "secret-one".toCharArray());
        assertFalse(two.recentlyVerified("ann", "secret-one".toCharArray()));
    }
}
