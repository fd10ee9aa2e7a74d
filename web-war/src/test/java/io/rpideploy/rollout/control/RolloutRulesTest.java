package io.rpideploy.rollout.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.rpideploy.deployments.entity.DeploymentState;
import io.rpideploy.hostnames.entity.SlotStatus;
import io.rpideploy.rollout.control.RolloutRules.Run;
import io.rpideploy.rollout.control.RolloutRules.Slot;
import io.rpideploy.rollout.control.RolloutRules.Totals;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutRulesTest {

    private static final Long BOARD = 7L;
    private static final Long OTHER_BOARD = 8L;
    private static final Instant START = Instant.parse("2026-12-06T09:00:00Z");

    private static Slot held(Long device) {
        return new Slot("KXP2-CORO-017", "017", SlotStatus.ASSIGNED, device, "10000000c0de0017", null, false);
    }

    private static Slot free() {
        return new Slot("KXP2-CORO-017", "017", SlotStatus.AVAILABLE, null, null, null, false);
    }

    private static Run run(Long device, DeploymentState state, String error, String message) {
        return new Run(42, device, "10000000c0de0017", state, 35, "2.4.1", START, START.plusSeconds(60),
                state.isActive() ? null : START.plusSeconds(300), error, message);
    }

    @Test
    void aNameNoBoardWasImagedUnderIsNotImaged() {
        assertEquals(KartState.NOT_IMAGED, RolloutRules.state(free(), null));
        assertEquals(KartState.NOT_IMAGED, RolloutRules.state(held(BOARD), null));
    }

    @Test
    void aRunUnderWayIsImagingWhoeverHoldsTheName() {
        for (DeploymentState active : List.of(DeploymentState.STARTED, DeploymentState.STARTING,
                DeploymentState.DOWNLOADING, DeploymentState.VERIFYING, DeploymentState.CUSTOMIZING)) {
            assertEquals(KartState.IMAGING, RolloutRules.state(held(BOARD), run(BOARD, active, null, null)), active
                    + "");
            // released while the board writes (not yet confirmed gone): it may still finish under the name
            assertEquals(KartState.IMAGING, RolloutRules.state(free(), run(BOARD, active, null, null)), active + "");
        }
    }

    @Test
    void theHoldersFinishedRunDecidesDoneOrFailed() {
        assertEquals(KartState.DONE, RolloutRules.state(held(BOARD), run(BOARD, DeploymentState.SUCCESS, null,
                null)));
        assertEquals(KartState.FAILED, RolloutRules.state(held(BOARD), run(BOARD, DeploymentState.FAILED,
                "SHA-256 mismatch", null)));
        assertEquals(KartState.FAILED, RolloutRules.state(held(BOARD), run(BOARD, DeploymentState.INTERRUPTED,
                null, "silent for 600 s")));
    }

    @Test
    void anotherBoardsRunOrAReleasedNameCountsAsNotImaged() {
        // replaced: the name moved to a new board that has not been imaged yet
        assertEquals(KartState.NOT_IMAGED, RolloutRules.state(held(OTHER_BOARD), run(BOARD,
                DeploymentState.SUCCESS, null, null)));
        // released after its board finished: the kart waits for a board
        assertEquals(KartState.NOT_IMAGED, RolloutRules.state(free(), run(BOARD, DeploymentState.SUCCESS, null,
                null)));
        assertEquals(KartState.NOT_IMAGED, RolloutRules.state(free(), run(BOARD, DeploymentState.FAILED, "x",
                null)));
    }

    @Test
    void aRetiredNameIsRetiredWhateverItsHistory() {
        Slot retired = new Slot("KXP2-CORO-017", "017", SlotStatus.RETIRED, null, null, null, false);
        assertEquals(KartState.RETIRED, RolloutRules.state(retired, null));
        assertEquals(KartState.RETIRED, RolloutRules.state(retired, run(BOARD, DeploymentState.DOWNLOADING, null,
                null)));
    }

    @Test
    void theFailureReasonIsTheBoardsErrorThenItsMessage() {
        assertEquals("SHA-256 mismatch", RolloutRules.failureReason(KartState.FAILED, run(BOARD,
                DeploymentState.FAILED, "SHA-256 mismatch", "verifying")));
        assertEquals("verifying", RolloutRules.failureReason(KartState.FAILED, run(BOARD, DeploymentState.FAILED,
                " ", "verifying")));
        assertEquals("failed without a reason", RolloutRules.failureReason(KartState.FAILED, run(BOARD,
                DeploymentState.FAILED, null, null)));
        assertEquals("interrupted: silent for 600 s", RolloutRules.failureReason(KartState.FAILED, run(BOARD,
                DeploymentState.INTERRUPTED, null, "silent for 600 s")));
        assertEquals("Interrupted: hostname released by anna", RolloutRules.failureReason(KartState.FAILED,
                run(BOARD, DeploymentState.INTERRUPTED, null, "Interrupted: hostname released by anna")));
        assertNull(RolloutRules.failureReason(KartState.DONE, run(BOARD, DeploymentState.SUCCESS, "old", null)));
    }

    @Test
    void theLastDeploymentIsItsEndElseItsLastReport() {
        assertEquals(START.plusSeconds(300), RolloutRules.lastDeploymentAt(run(BOARD, DeploymentState.SUCCESS,
                null, null)));
        assertEquals(START.plusSeconds(60), RolloutRules.lastDeploymentAt(run(BOARD, DeploymentState.DOWNLOADING,
                null, null)));
        assertNull(RolloutRules.lastDeploymentAt(null));
    }

    @Test
    void totalsLeaveRetiredNamesOutOfTheKarts() {
        Totals t = RolloutRules.totals(List.of(KartState.DONE, KartState.DONE, KartState.IMAGING, KartState.FAILED,
                KartState.NOT_IMAGED, KartState.RETIRED));
        assertEquals(new Totals(5, 2, 1, 1, 1, 1), t);
        assertEquals(new Totals(0, 0, 0, 0, 0, 0), RolloutRules.totals(List.of()));
    }
}
