package io.rpideploy.deployments.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The plan's daily status file (Phase 8.1, read by Phase 12's {@code check_deployments.py}):
 * {@code <home>/logs/deployment_YYYYMMDD.log}, one line {@code timestamp,ip,hostname,serial,status} per stored
 * state change, the timestamp in the server's local time as Python's {@code datetime.now().isoformat()} writes it.
 * Written after the commit, so the file never shows a state the database does not have. The database stays the
 * record; a failed write here is logged, never an error for the board.
 */
@ApplicationScoped
public class DailyDeploymentLog {

    private static final Logger LOG = Logger.getLogger(DailyDeploymentLog.class.getName());
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");
    private static final String UNKNOWN = "unknown";

    @Inject
    @ConfigProperty(name = "rpideploy.home", defaultValue = "./data")
    String home;

    void onStateChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) DeploymentStateChanged change) {
        LocalDateTime at = LocalDateTime.ofInstant(change.at(), ZoneId.systemDefault());
        append(Path.of(home, "logs", fileName(at.toLocalDate())),
                line(at, change.ipAddress(), change.hostname(), change.serialNumber(), change.to()));
    }

    /** {@code deployment_20251125.log}, as the plan's {@code strftime('%Y%m%d')}. */
    public static String fileName(LocalDate day) {
        return "deployment_" + DateTimeFormatter.BASIC_ISO_DATE.format(day) + ".log";
    }

    /** One line, without the line break; absent values as the plan's {@code 'unknown'}. */
    public static String line(LocalDateTime at, String ip, String hostname, String serial, String status) {
        return isoformat(at) + "," + field(ip) + "," + field(hostname) + "," + field(serial) + "," + field(status);
    }

    /** Python's isoformat: microseconds, left out when zero. */
    static String isoformat(LocalDateTime at) {
        int micros = at.getNano() / 1000;
        return SECONDS.format(at) + (micros == 0 ? "" : String.format(Locale.ROOT, ".%06d", micros));
    }

    private static String field(String value) {
        if (value == null || value.isBlank()) {
            return UNKNOWN;
        }
        // a comma or line break would shift the check script's columns
        return value.replaceAll("[,\\r\\n]", "_");
    }

    private synchronized void append(Path file, String line) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "daily deployment log not written: " + file, e);
        }
    }
}
