package io.rpideploy.deployments.control;

import java.time.Instant;

/**
 * /api/config handed a board its hostname and image. Fired inside the transaction: observers that push to
 * browsers use {@code during = TransactionPhase.AFTER_SUCCESS}.
 */
public record DeploymentStarted(long deploymentId, String hostname, String serialNumber, String macAddress,
                                String ipAddress, String productType, String venueCode, String imageVersion,
                                Instant at) {
}
