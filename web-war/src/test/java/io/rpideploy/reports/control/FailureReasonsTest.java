package io.rpideploy.reports.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FailureReasonsTest {

    @Test
    void whatVariesBetweenBoardsIsTakenOut() {
        assertEquals(FailureReasons.of("failed", null, "download of http://10.0.0.1/images/3 failed at byte 5123"),
                FailureReasons.of("failed", null, "download of http://10.0.0.1/images/9 failed at byte 77"));
        assertEquals("download of … failed at byte N",
                FailureReasons.of("failed", null, "download of http://10.0.0.1/images/9 failed at byte 77"));
        assertEquals("read-back SHA-256 … differs",
                FailureReasons.shorten("read-back SHA-256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b differs"));
        assertEquals("board … is not in the session",
                FailureReasons.shorten("board 10000000abcd0001 is not in the session"));
        assertEquals("[Errno N] No space left on device",
                FailureReasons.shorten("[Errno 28] No space left on device"));
        assertEquals("cannot open …", FailureReasons.shorten("cannot open /dev/mmcblk0"));
    }

    @Test
    void theDetailAfterAColonOrInBracketsIsDropped() {
        assertEquals("image not available", FailureReasons.shorten("image not available: HTTP 404"));
        assertEquals("The board started over", FailureReasons.shorten("The board started over (deployment 5)"));
        assertEquals("Superseded by deployment N", FailureReasons.shorten(
                "Superseded by deployment 12: the board asked for its config again"));
    }

    @Test
    void theInstallersCauseIsTheReasonItsDetailIsNot() {
        assertEquals("read-back verification failed", FailureReasons.of("failed", "read-back verification failed",
                "read-back of chunk 3 (bytes 0-4096) differs"));
        // the plan's script: the exception text as message and error
        assertEquals("SD card write error", FailureReasons.of("failed", "SD card write error", "SD card write error"));
        // a one-word message is a status, not a cause
        assertEquals("SD card write error", FailureReasons.of("failed", "failed", "SD card write error"));
        assertEquals("no reason given", FailureReasons.of("failed", null, "  "));
    }

    @Test
    void interruptedRunsSaySo() {
        assertEquals("interrupted: No report from the board for N minutes",
                FailureReasons.of("interrupted", "No report from the board for 10 minutes", null));
        assertEquals("interrupted: no reason given", FailureReasons.of("interrupted", null, null));
    }

    @Test
    void longTextsAreCutToEightWords() {
        assertEquals("one two three four five six seven eight",
                FailureReasons.shorten("one two three four five six seven eight nine ten."));
        assertEquals(FailureReasons.key("SD Card Write Error"), FailureReasons.key("sd card write error"));
    }
}
