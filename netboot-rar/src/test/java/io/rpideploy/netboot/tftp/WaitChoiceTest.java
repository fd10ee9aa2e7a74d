package io.rpideploy.netboot.tftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The lane's poll-or-sleep choice, driven with made-up answer times. */
class WaitChoiceTest {

    private long now;

    /** {@code count} answers {@code each} ns apart, polling or sleeping as the choice says at each one. */
    private void answers(WaitChoice choice, int count, long pollNanos, long sleepNanos) {
        for (int i = 0; i < count; i++) {
            now += choice.poll() ? pollNanos : sleepNanos;
            choice.answered(now);
        }
    }

    @Test
    void keepsPollingWhenPollingIsFaster() {
        WaitChoice choice = new WaitChoice(now);
        assertTrue(choice.poll(), "tries polling first");
        answers(choice, WaitChoice.PROBE, 30_000, 70_000);
        assertFalse(choice.poll(), "then tries sleeping");
        answers(choice, WaitChoice.PROBE, 30_000, 70_000);
        assertTrue(choice.poll());
        for (int i = 0; i < WaitChoice.KEEP - 1; i++) {
            answers(choice, 1, 30_000, 70_000);
            assertTrue(choice.poll(), "kept for " + WaitChoice.KEEP + " answers");
        }
    }

    @Test
    void sleepsWhenSleepingIsFasterAndMeasuresAgainLater() {
        WaitChoice choice = new WaitChoice(now);
        answers(choice, 2 * WaitChoice.PROBE, 60_000, 15_000);
        assertFalse(choice.poll(), "the client shares our core: sleeping lets it run");
        answers(choice, WaitChoice.KEEP - 1, 60_000, 15_000);
        assertFalse(choice.poll());
        answers(choice, 1, 60_000, 15_000);
        assertTrue(choice.poll(), "after " + WaitChoice.KEEP + " answers it measures polling again");
        // the client moved to another core meanwhile: polling wins now
        answers(choice, 2 * WaitChoice.PROBE, 30_000, 70_000);
        assertTrue(choice.poll());
    }

    @Test
    void comparesAveragesNotSingleAnswers() {
        WaitChoice choice = new WaitChoice(now);
        // polling: one slow answer (a page cache stall at the client) among fast ones still averages lower
        for (int i = 0; i < WaitChoice.PROBE; i++) {
            now += i == 0 ? 500_000 : 20_000;
            choice.answered(now);
        }
        answers(choice, WaitChoice.PROBE, 0, 40_000);
        assertTrue(choice.poll(), "poll average 35 us < sleep 40 us");
        assertEquals(true, choice.poll());
    }
}
