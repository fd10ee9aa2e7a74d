package io.rpideploy.metrics.control;

import io.rpideploy.deployments.entity.DeploymentState;
import io.rpideploy.downloads.control.Downloads;
import io.rpideploy.netboot.control.BootFileTransferred;
import io.rpideploy.netboot.control.LeaseGranted;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Feeds {@link ServerMetrics}: counts the netboot journal's events as they are fired (DHCP replies, ended TFTP
 * transfers, so what the journal recorded), reads the download queue and the deployments table when scraped.
 */
@ApplicationScoped
public class Metrics {

    @Resource(lookup = "jdbc/rpideploy")
    DataSource database;

    @Inject
    Downloads downloads;

    @Inject
    @ConfigProperty(name = "rpideploy.metrics.deployments-cache-seconds", defaultValue = "5")
    int deploymentsCacheSeconds;

    private ServerMetrics metrics;

    @PostConstruct
    void create() {
        CachedCounts deployments = new CachedCounts(this::deploymentsByState,
                Duration.ofSeconds(Math.max(0, deploymentsCacheSeconds)), Clock.systemUTC());
        metrics = new ServerMetrics(new ServerMetrics.Sources(deployments::get,
                () -> downloads.queue().snapshot().streaming().size(),
                () -> downloads.queue().snapshot().waiting().size(),
                () -> downloads.queue().stalled(),
                downloads::bytesServed));
    }

    public ServerMetrics registry() {
        return metrics;
    }

    void leaseGranted(@Observes LeaseGranted event) {
        metrics.dhcpReply(event.reply());
    }

    void bootFileTransferred(@Observes BootFileTransferred event) {
        metrics.tftpTransfer(event.outcome(), event.bytes());
    }

    /** Every state, 0 where none is in it, so a graph of one state has no gaps. */
    private Map<String, Long> deploymentsByState() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (DeploymentState state : DeploymentState.values()) {
            counts.put(state.value(), 0L);
        }
        try (Connection c = database.getConnection(); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT status, COUNT(*) FROM deployment GROUP BY status")) {
            while (rows.next()) {
                counts.put(rows.getString(1), rows.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count deployments: " + e.getMessage(), e);
        }
        return counts;
    }
}
