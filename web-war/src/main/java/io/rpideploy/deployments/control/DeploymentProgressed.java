package io.rpideploy.deployments.control;

import java.time.Instant;

/**
 * A board reported progress within its current state. Fired when the report is accepted; the figures reach the
 * database within a second (see {@link ProgressBuffer}). {@code message} is what the board said with these figures,
 * or null (it said nothing new): a console shows it beside them, not the message of the state change.
 */
public record DeploymentProgressed(long deploymentId, String state, String hostname, Integer progress,
                                   Long bytesWritten, Long bytesTotal, Long rateBps, String message, Instant at) {
}
