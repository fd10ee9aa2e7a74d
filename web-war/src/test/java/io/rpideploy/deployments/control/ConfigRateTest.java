package io.rpideploy.deployments.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.deployments.control.ConfigRate.Admission;
import io.rpideploy.platform.control.SteppedClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConfigRateTest {

    private static final String BOARD = "192.168.151.100";

    private final SteppedClock clock = new SteppedClock(Instant.parse("2026-12-06T08:00:00Z"));
    private final ConfigRate rate = new ConfigRate();

    @BeforeEach
    void setUp() {
        rate.perMinute = 20;
        rate.refusalDelayMillis = 1000;
        rate.clock = clock;
    }

    @Test
    void anAddressGetsItsAllowanceThen429UntilItRefills() {
        for (int i = 0; i < 20; i++) {
            assertTrue(rate.admit(BOARD).admitted());
        }
        Admission refused = rate.admit(BOARD);
        assertFalse(refused.admitted());
        assertEquals(3, refused.retryAfter(), "one request's worth comes back in 3 s at 20 a minute");
        rate.released(BOARD);
        assertTrue(rate.admit("192.168.151.101").admitted(), "another board is not affected");
        clock.advance(Duration.ofSeconds(3));
        assertTrue(rate.admit(BOARD).admitted());
        assertFalse(rate.admit(BOARD).admitted());
    }

    @Test
    void refusalsAreHeldBackUpToABoundPerAddressThenSentAtOnce() {
        for (int i = 0; i < 20; i++) {
            rate.admit(BOARD);
        }
        for (int i = 0; i < ConfigRate.MAX_HELD_PER_ADDRESS; i++) {
            Admission a = rate.admit(BOARD);
            assertTrue(a.held(), "refusal " + i);
            assertEquals(1000, a.holdMillis());
        }
        Admission past = rate.admit(BOARD);
        assertFalse(past.admitted());
        assertFalse(past.held(), "past the bound a refusal is sent at once");
        assertEquals(ConfigRate.MAX_HELD_PER_ADDRESS, rate.held());
        rate.released(BOARD);
        assertTrue(rate.admit(BOARD).held(), "a released place is taken again");
        for (int i = 0; i < ConfigRate.MAX_HELD_PER_ADDRESS; i++) {
            rate.released(BOARD);
        }
        assertEquals(0, rate.held());
    }

    @Test
    void allHeldRefusalsTogetherAreBounded() {
        int addresses = ConfigRate.MAX_HELD / ConfigRate.MAX_HELD_PER_ADDRESS + 2;
        int held = 0;
        int sentAtOnce = 0;
        for (int a = 0; a < addresses; a++) {
            String ip = "10.1." + (a / 250) + "." + (a % 250 + 1);
            for (int i = 0; i < 20; i++) {
                rate.admit(ip);
            }
            for (int i = 0; i < ConfigRate.MAX_HELD_PER_ADDRESS; i++) {
                Admission refused = rate.admit(ip);
                assertFalse(refused.admitted());
                if (refused.held()) {
                    held++;
                } else {
                    sentAtOnce++;
                }
            }
        }
        assertEquals(ConfigRate.MAX_HELD, held);
        assertEquals(ConfigRate.MAX_HELD, rate.held());
        assertEquals(2 * ConfigRate.MAX_HELD_PER_ADDRESS, sentAtOnce);
    }

    @Test
    void noDelayConfiguredSendsEveryRefusalAtOnce() {
        rate.refusalDelayMillis = 0;
        for (int i = 0; i < 20; i++) {
            rate.admit(BOARD);
        }
        Admission refused = rate.admit(BOARD);
        assertFalse(refused.admitted());
        assertFalse(refused.held());
        assertEquals(0, rate.held());
    }

    @Test
    void loopbackAndADisabledLimitAreNotCounted() {
        for (int i = 0; i < 100; i++) {
            assertTrue(rate.admit("127.0.0.1").admitted());
            assertTrue(rate.admit("::1").admitted());
        }
        rate.perMinute = 0;
        for (int i = 0; i < 100; i++) {
            assertTrue(rate.admit("10.0.0.1").admitted());
        }
    }
}
