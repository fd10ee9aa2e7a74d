package io.rpideploy.deployments.control;

import jakarta.annotation.PreDestroy;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The clock of the deployments: buffered progress to the database every second, the watchdog every minute.
 * Non-persistent timers (nothing to catch up after a restart); the beans called bring their own transactions.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class DeploymentTimers {

    private static final Logger LOG = Logger.getLogger(DeploymentTimers.class.getName());

    @Inject
    ProgressBuffer buffer;

    @Inject
    DeploymentWatchdog watchdog;

    @Inject
    Clock clock;

    @Schedule(hour = "*", minute = "*", second = "*", persistent = false)
    void flushProgress() {
        try {
            if (buffer.hasPending()) {
                buffer.flush();
            }
        } catch (RuntimeException e) {
            // figures only: the next ticks bring fresh ones; a timer that throws would be retried and logged twice
            LOG.log(Level.WARNING, "progress figures not written", e);
        }
    }

    @Schedule(hour = "*", minute = "*", persistent = false)
    void watch() {
        try {
            int interrupted = watchdog.interruptSilent(clock.instant());
            if (interrupted > 0) {
                LOG.info(() -> "watchdog: " + interrupted + " silent deployments marked interrupted");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "watchdog round failed; the next one retries", e);
        }
    }

    @PreDestroy
    void flushOnShutdown() {
        flushProgress();
    }
}
