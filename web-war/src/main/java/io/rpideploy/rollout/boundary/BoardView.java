package io.rpideploy.rollout.boundary;

import io.rpideploy.rollout.control.RolloutBoard.Board;
import io.rpideploy.rollout.control.RolloutBoard.Kart;
import java.time.Instant;
import java.util.List;

/**
 * A venue's rollout as the API and the page's script read it (snake_case by the JSON config): {@code total} counts
 * the karts in service (retired names left out), so the heading is "{@code done} of {@code total} karts done".
 */
public record BoardView(String venueCode, String venueName, String productType, long total, long done, long imaging,
                        long failed, long notImaged, long retired, List<KartView> karts) {

    static BoardView of(Board b) {
        return new BoardView(b.venueCode(), b.venueName(), b.product().name(), b.totals().karts(), b.totals().done(),
                b.totals().imaging(), b.totals().failed(), b.totals().notImaged(), b.totals().retired(),
                b.karts().stream().map(KartView::of).toList());
    }

    /** One kart slot; {@code state} is not_imaged, imaging, done, failed or retired. */
    public record KartView(String hostname, String identifier, String state, String stateLabel, String slotStatus,
                           Integer progress, String imageVersion, Instant lastDeploymentAt, Instant completedAt,
                           String failureReason, Long deploymentId, String deploymentStatus, String serialNumber,
                           String macAddress, boolean reimageRequested) implements java.io.Serializable {
        static KartView of(Kart k) {
            return new KartView(k.hostname(), k.identifier(), k.state().value(), k.state().label(), k.slotStatus(),
                    k.progress(), k.imageVersion(), k.lastDeploymentAt(), k.completedAt(), k.failureReason(),
                    k.deploymentId(), k.deploymentStatus(), k.serialNumber(), k.macAddress(), k.reimageRequested());
        }
    }
}
