package io.rpideploy.deployments.control;

import java.time.Instant;

/**
 * A board reported progress within its current state. Fired when the report is accepted; the figures reach the
 * database within a second (see {@link ProgressBuffer}).
 */
public record DeploymentProgressed(long deploymentId, String state, String hostname, Integer progress,
                                   Long bytesWritten, Long bytesTotal, Long rateBps, Instant at) {
}
