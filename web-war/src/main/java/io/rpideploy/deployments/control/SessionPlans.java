package io.rpideploy.deployments.control;

import io.rpideploy.hostnames.entity.Product;
import io.rpideploy.netboot.api.SerialNumber;
import java.util.Optional;

/**
 * The open imaging sessions as /api/config needs them; implemented by the sessions feature (which shows the
 * deployments, so this feature must not name it).
 */
public interface SessionPlans {

    /**
     * The open session a board is imaged for, given what it asked for (null: not asked) and its serial; empty when
     * none takes it (the configured defaults apply).
     */
    Optional<Plan> planFor(Product product, String venueCode, SerialNumber serial);

    /** A deployment of the session was recorded (inside its transaction): the session may now have its count. */
    void named(long sessionId);

    /** What a session decides for a board; {@code imageId} null: the product's active image. */
    record Plan(long sessionId, Product product, String venueCode, Long imageId) {
    }
}
