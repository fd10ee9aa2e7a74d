package io.rpideploy.ops.users;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The password hash the web application stores and checks (web-war's PasswordHashing: Jakarta Security's
 * Pbkdf2PasswordHash, PBKDF2WithHmacSHA256, 210,000 iterations, 32-byte salt and key), in that implementation's
 * encoding {@code ALGORITHM:ITERATIONS:BASE64(SALT):BASE64(KEY)}, so the server verifies what this writes.
 */
final class PasswordHash {

    static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    static final int ITERATIONS = 210_000;
    static final int SALT_BYTES = 32;
    static final int KEY_BYTES = 32;

    /** Letters and digits without the look-alikes (0/O, 1/l/I): read off a terminal and typed once. */
    private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();
    /** 20 of 56 symbols: about 116 bits, and twice the web application's minimum length of 10. */
    static final int GENERATED_LENGTH = 20;

    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordHash() {
    }

    static String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return ALGORITHM + ":" + ITERATIONS + ":" + Base64.getEncoder().encodeToString(salt) + ":"
                + Base64.getEncoder().encodeToString(pbkdf2(password, salt, ITERATIONS, ALGORITHM));
    }

    /** Checks a password against a hash in the same encoding (for tests, and to prove a write). */
    static boolean verify(char[] password, String encoded) {
        String[] parts = encoded.split(":");
        if (parts.length != 4) {
            return false;
        }
        byte[] salt = Base64.getDecoder().decode(parts[2]);
        byte[] expected = Base64.getDecoder().decode(parts[3]);
        byte[] actual = pbkdf2(password, salt, Integer.parseInt(parts[1]), parts[0]);
        return java.security.MessageDigest.isEqual(expected, actual);
    }

    static char[] generate() {
        char[] password = new char[GENERATED_LENGTH];
        for (int i = 0; i < password.length; i++) {
            password[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return password;
    }

    private static byte[] pbkdf2(char[] password, byte[] salt, int iterations, String algorithm) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, KEY_BYTES * 8);
            try {
                return SecretKeyFactory.getInstance(algorithm).generateSecret(spec).getEncoded();
            } finally {
                spec.clearPassword();
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is part of every Java platform", e);
        }
    }
}
