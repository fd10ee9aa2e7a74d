package io.rpideploy.deployments.control;

import io.rpideploy.deployments.control.DeploymentRules.Figures;
import io.rpideploy.deployments.entity.DeploymentState;

/**
 * One validated /api/status report. The board is known by {@code deploymentId}, else by serial, MAC or hostname
 * (each normalised, null when not sent).
 */
public record StatusReport(DeploymentState state, Long deploymentId, String serial, String mac, String hostname,
                           String message, String errorMessage, Figures figures) {
}
