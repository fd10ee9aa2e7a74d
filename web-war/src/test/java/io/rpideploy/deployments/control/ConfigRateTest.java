package io.rpideploy.deployments.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rpideploy.platform.control.DomainException;
import java.time.Duration;
import java.time.Instant;
import io.rpideploy.platform.control.SteppedClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConfigRateTest {

    private final SteppedClock clock = new SteppedClock(Instant.parse("2026-12-06T08:00:00Z"));
    private final ConfigRate rate = new ConfigRate();

    @BeforeEach
    void setUp() {
        rate.perMinute = 20;
        rate.clock = clock;
    }

    @Test
    void anAddressGetsItsAllowanceThen429UntilItRefills() {
        for (int i = 0; i < 20; i++) {
            rate.take("192.168.151.100");
        }
        DomainException refused = assertThrows(DomainException.class, () -> rate.take("192.168.151.100"));
        assertEquals(DomainException.Kind.TOO_MANY_REQUESTS, refused.kind());
        rate.take("192.168.151.101"); // another board is not affected
        clock.advance(Duration.ofSeconds(3)); // one request's worth (20 a minute)
        rate.take("192.168.151.100");
        assertThrows(DomainException.class, () -> rate.take("192.168.151.100"));
    }

    @Test
    void loopbackAndADisabledLimitAreNotCounted() {
        for (int i = 0; i < 100; i++) {
            rate.take("127.0.0.1");
            rate.take("::1");
        }
        rate.perMinute = 0;
        for (int i = 0; i < 100; i++) {
            rate.take("10.0.0.1");
        }
    }
}
