package io.rpideploy.security.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import io.rpideploy.platform.control.SteppedClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private final SteppedClock clock = new SteppedClock(Instant.parse("2026-12-06T08:00:00Z"));
    private LoginThrottle throttle;

    @BeforeEach
    void setUp() {
        throttle = new LoginThrottle();
        throttle.freeFailures = 5;
        throttle.clock = clock;
    }

    @Test
    void aFewMistakesCostNothingThenTheLockoutDoubles() {
        for (int i = 1; i < 5; i++) {
            assertEquals(Duration.ZERO, throttle.failed("alice", "10.0.0.1"));
            assertTrue(throttle.lockedFor("alice", "10.0.0.1").isEmpty());
        }
        assertEquals(Duration.ofSeconds(5), throttle.failed("alice", "10.0.0.1"));
        assertTrue(throttle.lockedFor("ALICE", "10.0.0.9").isPresent(), "the account is locked from anywhere");
        assertTrue(throttle.lockedFor("bob", "10.0.0.1").isEmpty(), "the address is not, yet");
        clock.advance(Duration.ofSeconds(6));
        assertTrue(throttle.lockedFor("alice", "10.0.0.1").isEmpty());
        assertEquals(Duration.ofSeconds(10), throttle.failed("alice", "10.0.0.1"));
        clock.advance(Duration.ofSeconds(11));
        assertEquals(Duration.ofSeconds(20), throttle.failed("alice", "10.0.0.1"));
    }

    @Test
    void manyNamesFromOneAddressLockTheAddress() {
        for (int i = 0; i < 49; i++) {
            throttle.failed("user" + i, "10.0.0.2");
        }
        assertTrue(throttle.lockedFor("someone-else", "10.0.0.2").isEmpty());
        throttle.failed("user49", "10.0.0.2");
        assertTrue(throttle.lockedFor("someone-else", "10.0.0.2").isPresent());
        assertTrue(throttle.lockedFor("someone-else", "10.0.0.3").isEmpty());
    }

    @Test
    void aSuccessAndTimeForget() {
        for (int i = 0; i < 4; i++) {
            throttle.failed("carol", "10.0.0.4");
        }
        throttle.succeeded("carol", "10.0.0.4");
        assertEquals(Duration.ZERO, throttle.failed("carol", "10.0.0.4"));
        for (int i = 0; i < 3; i++) {
            throttle.failed("carol", "10.0.0.4");
        }
        clock.advance(LoginThrottle.WINDOW.plusSeconds(1));
        assertEquals(Duration.ZERO, throttle.failed("carol", "10.0.0.4"), "old failures are forgotten");
    }

    @Test
    void theLockNeverExceedsItsCeiling() {
        Duration last = Duration.ZERO;
        for (int i = 0; i < 40; i++) {
            clock.advance(last.plusSeconds(1));
            last = throttle.failed("dave", "10.0.0.5");
        }
        assertEquals(LoginThrottle.MAX_LOCK, last);
    }
}
