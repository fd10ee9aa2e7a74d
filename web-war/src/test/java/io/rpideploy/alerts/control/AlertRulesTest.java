package io.rpideploy.alerts.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.alerts.control.AlertRules.Latest;
import io.rpideploy.alerts.control.AlertRules.Step;
import io.rpideploy.platform.control.DomainException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertRulesTest {

    private static final Latest OPEN = new Latest(false, false);
    private static final Latest ACKNOWLEDGED = new Latest(true, false);
    private static final Latest OPEN_CLEARED = new Latest(false, true);
    private static final Latest ACKNOWLEDGED_CLEARED = new Latest(true, true);

    @Test
    void anEventRaisesOnceWhileItsAlertWaitsAndAgainAfterTheAcknowledgement() {
        assertEquals(Step.RAISE, AlertRules.event(null), "the first time");
        assertEquals(Step.NONE, AlertRules.event(OPEN), "no duplicate while unacknowledged");
        assertEquals(Step.RAISE, AlertRules.event(ACKNOWLEDGED), "seen again after an acknowledgement");
    }

    @Test
    void aConditionIsRaisedWhenItStartsAndNotAgainWhileItLastsEvenAcknowledged() {
        assertEquals(Step.RAISE, AlertRules.condition(null, true));
        assertEquals(Step.NONE, AlertRules.condition(OPEN, true));
        assertEquals(Step.NONE, AlertRules.condition(ACKNOWLEDGED, true),
                "acknowledged low disk is not raised again every minute while it stays low");
        assertEquals(Step.NONE, AlertRules.condition(null, false), "fine and never raised: nothing");
    }

    @Test
    void aConditionThatEndsIsMarkedAndItsReturnReopensOrRaisesAfresh() {
        assertEquals(Step.CLEAR, AlertRules.condition(OPEN, false), "the waiting alert says it went away");
        assertEquals(Step.CLEAR, AlertRules.condition(ACKNOWLEDGED, false), "ended: the next episode is new");
        assertEquals(Step.NONE, AlertRules.condition(OPEN_CLEARED, false));
        assertEquals(Step.NONE, AlertRules.condition(ACKNOWLEDGED_CLEARED, false));
        assertEquals(Step.REOPEN, AlertRules.condition(OPEN_CLEARED, true), "back before anybody looked: same alert");
        assertEquals(Step.RAISE, AlertRules.condition(ACKNOWLEDGED_CLEARED, true), "back after an acknowledgement");
    }

    @Test
    void anAlertIsAcknowledgedOnceASecondTimeIsAConflictNamingWhoDidIt() {
        AlertRules.requireOpen(7, null, null);
        DomainException twice = assertThrows(DomainException.class,
                () -> AlertRules.requireOpen(7, Instant.parse("2026-12-06T12:00:00Z"), "op1"));
        assertEquals(DomainException.Kind.CONFLICT, twice.kind());
        assertTrue(twice.getMessage().contains("op1") && twice.getMessage().contains("2026-12-06T12:00:00Z"),
                twice.getMessage());
    }

    @Test
    void theDiskIsLowBelowTheThresholdAndZeroTurnsTheCheckOff() {
        long mib = 1024L * 1024L;
        assertTrue(AlertRules.lowDisk(2047 * mib, 2048));
        assertFalse(AlertRules.lowDisk(2048 * mib, 2048));
        assertFalse(AlertRules.lowDisk(0, 0), "0: off");
        assertEquals(2048, AlertRules.thresholdMib(2048));
        assertEquals(0, AlertRules.thresholdMib(-1), "a negative threshold turns the check off, never throws");
        assertEquals(null, AlertRules.thresholdProblem(0));
        assertTrue(AlertRules.thresholdProblem(-5).contains("RPIDEPLOY_ALERTS_LOW_DISK_MB"),
                AlertRules.thresholdProblem(-5));
        assertTrue(AlertRules.lowDisk("/data/images", 1536 * mib, 2048).contains("1536 MiB free for /data/images"));
    }

    @Test
    void theStateFilterAndTheIdAreCheckedNamingTheirField() {
        assertTrue(AlertRules.openOnly(null));
        assertTrue(AlertRules.openOnly("open"));
        assertFalse(AlertRules.openOnly("all"));
        assertEquals("state", assertThrows(DomainException.class, () -> AlertRules.openOnly("closed")).field());
        assertEquals(12, AlertRules.id("12"));
        for (String bad : List.of("0", "-3", "x", "99999999999999999999")) {
            DomainException e = assertThrows(DomainException.class, () -> AlertRules.id(bad), bad);
            assertEquals(DomainException.Kind.INVALID_INPUT, e.kind());
            assertEquals("id", e.field());
        }
    }

    @Test
    void eachCauseNamesOneThingAndTheMessagesSayWhatHappened() {
        assertEquals("deployment 17", AlertRules.failedBoardCause(17));
        assertTrue(AlertRules.failedBoard("KXP2-CORO-017", "10000000abcd0001", "SD card write error")
                .equals("KXP2-CORO-017 (10000000abcd0001) failed: SD card write error"));
        assertEquals("Board 1a2b failed: no reason given", AlertRules.failedBoard(null, "1a2b", " "));
        assertEquals(AlertRules.MAX_MESSAGE, AlertRules.failedBoard("h", null, "x".repeat(2000)).length());
        assertEquals("rogue-dhcp 192.168.151.7", AlertRules.rogueCause("192.168.151.7"));
        assertTrue(AlertRules.rogue("192.168.151.7", "aa:bb:cc:dd:ee:ff").contains("192.168.151.7 (aa:bb:cc:dd:ee:ff)"));
        assertEquals("The KXP2 boot environment is not ready: no kernel; no initramfs",
                AlertRules.bootEnvironment("KXP2", List.of("no kernel", "no initramfs")));
    }

    @Test
    void theCheckIntervalIsAtLeastOneSecondAndABadOneIsNamed() {
        assertEquals(60, AlertRules.checkIntervalSeconds(60));
        assertEquals(1, AlertRules.checkIntervalSeconds(0));
        assertEquals(null, AlertRules.intervalProblem(1));
        assertTrue(AlertRules.intervalProblem(-3).contains("RPIDEPLOY_ALERTS_CHECK_INTERVAL_SECONDS"));
    }

    @Test
    void aKindIsReadAsTheApiWritesItAndAnUnknownOneNamesTheField() {
        assertEquals(io.rpideploy.alerts.entity.AlertKind.FAILED_BOARD, AlertRules.kind(" failed_board "));
        DomainException unknown = assertThrows(DomainException.class, () -> AlertRules.kind("FAILED_BOARD"));
        assertEquals("kind", unknown.field());
        assertEquals("kind", assertThrows(DomainException.class, () -> AlertRules.kind(null)).field());
    }
}
