package io.rpideploy.alerts.control;

import io.rpideploy.alerts.entity.AlertKind;
import io.rpideploy.bootenv.control.BootEnvironment;
import io.rpideploy.bootenv.control.BootEnvironments;
import io.rpideploy.images.control.ImageStore;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Checks the conditions no event announces, every {@code rpideploy.alerts.check-interval-seconds} (a minute): free
 * disk space of the data and image folders (one alert
 * per disk), and whether each product's boot environment can boot the installer. A condition is raised when it
 * starts and marked when it ends; nothing is written while it stays as it was. Non-persistent: a check missed while
 * the server was down is the next one.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class AlertChecks {

    private static final Logger LOG = Logger.getLogger(AlertChecks.class.getName());

    @Inject
    @ConfigProperty(name = "rpideploy.alerts.low-disk-mb", defaultValue = "2048")
    long lowDiskMib;

    @Inject
    @ConfigProperty(name = "rpideploy.alerts.check-interval-seconds", defaultValue = "60")
    long intervalSeconds;

    @Inject
    @ConfigProperty(name = "rpideploy.home", defaultValue = "./data")
    String home;

    @Resource
    TimerService timers;

    /** The threshold as used: a bad value is said once here, not every round. */
    private long thresholdMib;

    @Inject
    ImageStore store;

    @Inject
    BootEnvironments environments;

    @Inject
    AlertService alerts;

    @PostConstruct
    void start() {
        String badThreshold = AlertRules.thresholdProblem(lowDiskMib);
        if (badThreshold != null) {
            LOG.severe(badThreshold);
        }
        thresholdMib = AlertRules.thresholdMib(lowDiskMib);
        String badInterval = AlertRules.intervalProblem(intervalSeconds);
        if (badInterval != null) {
            LOG.severe(badInterval);
        }
        long interval = AlertRules.checkIntervalSeconds(intervalSeconds) * 1000L;
        // not persistent: a check missed while the server was down is simply the next one
        timers.createIntervalTimer(interval, interval, new TimerConfig(null, false));
    }

    @Timeout
    void round() {
        try {
            disks();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "disk space not checked for alerts; the next round retries", e);
        }
        try {
            bootEnvironments();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "boot environments not checked for alerts; the next round retries", e);
        }
    }

    void disks() {
        long threshold = thresholdMib;
        // the image folder first: where it shares a disk with the data folder, the alert names the images
        Map<FileStore, Path> disks = new LinkedHashMap<>();
        for (Path folder : new Path[] {store.images(), Path.of(home).toAbsolutePath().normalize()}) {
            try {
                disks.putIfAbsent(Files.getFileStore(folder), folder);
            } catch (IOException unreadable) {
                LOG.log(Level.FINE, "no file store for " + folder, unreadable);
            }
        }
        for (Map.Entry<FileStore, Path> disk : disks.entrySet()) {
            long usable;
            try {
                usable = disk.getKey().getUsableSpace();
            } catch (IOException e) {
                continue;
            }
            String folder = disk.getValue().toString();
            check(AlertKind.LOW_DISK, AlertRules.lowDiskCause(folder), AlertRules.lowDisk(usable, threshold),
                    AlertRules.lowDisk(folder, usable, threshold));
        }
    }

    void bootEnvironments() {
        for (BootEnvironment e : environments.all()) {
            check(AlertKind.BOOT_ENVIRONMENT, AlertRules.bootEnvironmentCause(e.product().name()), !e.ready(),
                    AlertRules.bootEnvironment(e.product().name(), e.problems()));
        }
    }

    private void check(AlertKind kind, String cause, boolean holds, String message) {
        if (!alerts.settled(cause, holds)) {
            alerts.condition(kind, cause, holds, message);
        }
    }
}
