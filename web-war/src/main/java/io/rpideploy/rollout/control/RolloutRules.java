package io.rpideploy.rollout.control;

import io.rpideploy.deployments.entity.DeploymentState;
import io.rpideploy.hostnames.entity.SlotStatus;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * How a kart's state follows from its pool slot and the latest run under its name. A run counts only for the board
 * that holds the name now: after a release or a replacement the kart is not imaged again until its new board is,
 * even though the old board's run stays in its history. A run still under way counts whoever holds the name (the
 * board is writing a card under it right now).
 */
public final class RolloutRules {

    private RolloutRules() {
    }

    /** The slot as the pool has it; {@code deviceId} is the board holding the name, null when none does. */
    public record Slot(String hostname, String identifier, SlotStatus status, Long deviceId, String serialNumber,
                       String macAddress, boolean reimageRequested) {
    }

    /** The latest deployment under the slot's name. */
    public record Run(long id, Long deviceId, String serialNumber, DeploymentState state, Integer progress,
                      String imageVersion, Instant startedAt, Instant lastSeenAt, Instant completedAt,
                      String errorMessage, String message) {
    }

    /** Counts of one venue's board; {@code karts} leaves retired names out ("N of M karts done" is done of karts). */
    public record Totals(long karts, long done, long imaging, long failed, long notImaged, long retired) {
    }

    public static KartState state(Slot slot, Run run) {
        if (slot.status() == SlotStatus.RETIRED) {
            return KartState.RETIRED;
        }
        if (run == null) {
            return KartState.NOT_IMAGED;
        }
        if (run.state().isActive()) {
            return KartState.IMAGING;
        }
        if (slot.status() != SlotStatus.ASSIGNED || !Objects.equals(slot.deviceId(), run.deviceId())) {
            return KartState.NOT_IMAGED;
        }
        return run.state() == DeploymentState.SUCCESS ? KartState.DONE : KartState.FAILED;
    }

    /** Why the kart failed, as the board or the server said it; null unless the state is failed. */
    public static String failureReason(KartState state, Run run) {
        if (state != KartState.FAILED) {
            return null;
        }
        String said = run.errorMessage() != null && !run.errorMessage().isBlank() ? run.errorMessage()
                : run.message() != null && !run.message().isBlank() ? run.message() : null;
        if (run.state() == DeploymentState.INTERRUPTED) {
            return said == null ? "interrupted" : said.toLowerCase(java.util.Locale.ROOT).startsWith("interrupted")
                    ? said : "interrupted: " + said;
        }
        return said == null ? "failed without a reason" : said;
    }

    /** When the kart was last worked on: the run's last report, else its start. */
    public static Instant lastDeploymentAt(Run run) {
        if (run == null) {
            return null;
        }
        return run.completedAt() != null ? run.completedAt()
                : run.lastSeenAt() != null ? run.lastSeenAt() : run.startedAt();
    }

    public static Totals totals(List<KartState> states) {
        long[] n = new long[KartState.values().length];
        states.forEach(s -> n[s.ordinal()]++);
        long retired = n[KartState.RETIRED.ordinal()];
        return new Totals(states.size() - retired, n[KartState.DONE.ordinal()], n[KartState.IMAGING.ordinal()],
                n[KartState.FAILED.ordinal()], n[KartState.NOT_IMAGED.ordinal()], retired);
    }
}
