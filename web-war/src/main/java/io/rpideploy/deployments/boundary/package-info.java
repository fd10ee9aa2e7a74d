/**
 * The deployment API the boards call (/api/config, /api/status; deployment listener, no login) and the deployment
 * history for managers (/api/deployments; management listener, viewer). Translation only: rules are in control.
 */
package io.rpideploy.deployments.boundary;
