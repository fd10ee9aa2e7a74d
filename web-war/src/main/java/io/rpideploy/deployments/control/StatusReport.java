package io.rpideploy.deployments.control;

import io.rpideploy.deployments.control.DeploymentRules.Figures;
import io.rpideploy.deployments.entity.DeploymentState;
import io.rpideploy.netboot.api.MacAddress;
import io.rpideploy.netboot.api.SerialNumber;

/**
 * One validated /api/status report. The board is known by {@code deploymentId}, else by serial, MAC or hostname
 * (each typed or normalised, null when not sent).
 */
public record StatusReport(DeploymentState state, Long deploymentId, SerialNumber serial, MacAddress mac,
                           String hostname, String message, String errorMessage, Figures figures,
                           String reportToken) {
}
