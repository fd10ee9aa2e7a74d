/**
 * A deployment's life: config and status reports (DeploymentService), the transition rules (DeploymentRules), the
 * one writer of states (DeploymentTimeline), buffered progress, the watchdog, the plan's daily log file and the
 * history queries. Hostnames and images are asked of their own features, never changed here beyond assignment.
 */
package io.rpideploy.deployments.control;
