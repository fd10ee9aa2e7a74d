package io.rpideploy.platform.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestPathsTest {

    @ParameterizedTest
    @CsvSource({
            "/venues/, /venues/",
            "/api/config, /api/config",
            "/images/kxp2%20v1.img, /images/kxp2 v1.img",
            "/api/devices/2c%3Acf%3A67%3A00%3A00%3A01, /api/devices/2c:cf:67:00:00:01",
            "/, /",
            "/boot/1a2b3c4d/config.txt, /boot/1a2b3c4d/config.txt"})
    void canonicalPathsAreDecodedOnce(String raw, String decoded) {
        assertEquals(Optional.of(decoded), RequestPaths.canonical(raw, ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/resources/%2e%2e/venues/", "/resources/%2E%2E/venues/", "/images/%2e%2e/index.xhtml",
            "/boot/../venues/", "/boot/./config.txt", "/boot/..", "/boot/.", "/resources/..;/venues/",
            "/api/config;x", "/api/status;jsessionid=1", "//venues/", "/api//status", "/images/%2fetc",
            "/images/%2F..%2Fvenues", "/images/%5c..%5cvenues", "/images\\..\\venues", "/boot/%252e%252e/venues/",
            "/boot/%c0%ae%c0%ae/venues/", "/boot/%e0%80%ae%e0%80%ae/venues/", "/boot/%c0%af", "/boot/%00",
            "/boot/%0a", "/boot/%ff", "/boot/%2", "/boot/%zz", "/boot/%2e/", "/api/%2e%2e/venues",
            "relative", "", "/venues/\u00e9"})
    void everyOtherSpellingIsRefused(String raw) {
        assertTrue(RequestPaths.canonical(raw, "").isEmpty(), raw);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/app/venues/", "/app"})
    void theContextRootIsCutOff(String raw) {
        assertTrue(RequestPaths.canonical(raw, "/app").isPresent());
        assertTrue(RequestPaths.canonical("/other/venues/", "/app").isEmpty());
    }
}
