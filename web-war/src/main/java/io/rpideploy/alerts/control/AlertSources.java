package io.rpideploy.alerts.control;

import io.rpideploy.alerts.entity.AlertKind;
import io.rpideploy.deployments.control.DeploymentStateChanged;
import io.rpideploy.deployments.entity.DeploymentState;
import io.rpideploy.netboot.control.RogueDhcpServerSeen;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Raises alerts from what the application already announces, once it is stored: a deployment that ended
 * {@code failed}, another DHCP server on the deployment network. An alert that cannot be stored is logged: the
 * board's report or the DHCP exchange has committed and stands.
 */
@ApplicationScoped
public class AlertSources {

    private static final Logger LOG = Logger.getLogger(AlertSources.class.getName());

    @Inject
    AlertService alerts;

    void deploymentChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) DeploymentStateChanged change) {
        if (!DeploymentState.FAILED.value().equals(change.to())) {
            return;
        }
        raise(AlertKind.FAILED_BOARD, AlertRules.failedBoardCause(change.deploymentId()),
                AlertRules.failedBoard(change.hostname(), change.serialNumber(), change.message()));
    }

    void rogueDhcpServer(@Observes(during = TransactionPhase.AFTER_SUCCESS) RogueDhcpServerSeen seen) {
        raise(AlertKind.ROGUE_DHCP, AlertRules.rogueCause(seen.serverIp()),
                AlertRules.rogue(seen.serverIp(), seen.serverMac()));
    }

    private void raise(AlertKind kind, String cause, String message) {
        try {
            alerts.raise(kind, cause, message);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "alert not stored (" + cause + "): " + message, e);
        }
    }
}
