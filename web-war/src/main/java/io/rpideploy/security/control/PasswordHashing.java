package io.rpideploy.security.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.identitystore.Pbkdf2PasswordHash;
import java.util.Map;

/** PBKDF2-HMAC-SHA256 password hashes through Jakarta Security's own implementation, with OWASP's iteration count. */
@ApplicationScoped
public class PasswordHashing {

    @Inject
    Pbkdf2PasswordHash pbkdf2;

    @PostConstruct
    void configure() {
        pbkdf2.initialize(Map.of(
                "Pbkdf2PasswordHash.Algorithm", "PBKDF2WithHmacSHA256",
                "Pbkdf2PasswordHash.Iterations", "210000",
                "Pbkdf2PasswordHash.SaltSizeBytes", "32",
                "Pbkdf2PasswordHash.KeySizeBytes", "32"));
        char[] random = new char[32];
        java.security.SecureRandom rng = new java.security.SecureRandom();
        for (int i = 0; i < random.length; i++) {
            random[i] = (char) ('a' + rng.nextInt(26));
        }
        decoy = pbkdf2.generate(random);
    }

    /** Spends a real verification's time and answers false: no timing tells whether a user exists. */
    public boolean verifyDecoy(char[] password) {
        pbkdf2.verify(password, decoy);
        return false;
    }

    /** A hash no password matches: checked for unknown users, so they cost the same time as known ones. */
    private String decoy;

    public String hash(char[] password) {
        return pbkdf2.generate(password);
    }

    public boolean verify(char[] password, String hash) {
        return pbkdf2.verify(password, hash);
    }
}
