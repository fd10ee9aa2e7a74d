package io.rpideploy.platform.boundary;

import io.rpideploy.downloads.control.DownloadQueue;
import io.rpideploy.downloads.control.Downloads;
import io.rpideploy.images.boundary.ZeroCopy;
import io.rpideploy.images.control.ImageStore;
import io.rpideploy.netboot.api.NetbootStatus;
import io.rpideploy.platform.control.DatabaseMigrations;
import jakarta.annotation.Resource;
import io.rpideploy.platform.control.HealthContribution;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * {@code GET /health} on both listeners, without login: {@code {status, timestamp, checks}}; 200 when the
 * database answers, the image store is readable and the netboot adapter runs, 503 otherwise; free space ("low" under 1 GiB) and the
 * download queue are reported. A plain servlet so it stays outside the API's authentication.
 */
@WebServlet(urlPatterns = "/health")
public class HealthServlet extends HttpServlet {

    /** Looked up once: {@code Json.createXxx} runs a ServiceLoader lookup on every call (a profile of status updates
     * showed it in a fifth of the samples). */
    private static final JsonProvider JSON = JsonProvider.provider();

    @Inject
    Instance<HealthContribution> contributions;

    @Resource(lookup = "jdbc/rpideploy")
    private DataSource dataSource;

    @Inject
    DatabaseMigrations migrations;

    @Inject
    ImageStore store;

    @Inject
    Downloads downloads;

    /** Below this much free space the image store is reported "low": the next upload may not fit. */
    static final long LOW_FREE_BYTES = 1L << 30;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonObjectBuilder database = JSON.createObjectBuilder();
        boolean up;
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet journal = statement.executeQuery("PRAGMA journal_mode")) {
            journal.next();
            database.add("status", "up").add("journal_mode", journal.getString(1))
                    .add("schema_version", String.valueOf(migrations.schemaVersion()));
            up = true;
        } catch (SQLException e) {
            getServletContext().log("health: database check failed", e);
            database.add("status", "down").add("message", "database not reachable");
            up = false;
        }
        JsonObjectBuilder images = JSON.createObjectBuilder();
        try {
            FileStore disk = Files.getFileStore(store.images());
            long free = disk.getUsableSpace();
            // low space is a warning, not an outage: deployments of stored images go on
            images.add("status", free >= LOW_FREE_BYTES ? "up" : "low").add("free_bytes", free)
                    .add("total_bytes", disk.getTotalSpace());
        } catch (IOException e) {
            images.add("status", "down").add("message", "image store not readable");
            up = false;
        }
        JsonObjectBuilder netboot = JSON.createObjectBuilder();
        try {
            Optional<Instant> since = NetbootStatus.adapterStartedAt();
            boolean serversUp = true;
            JsonObjectBuilder servers = JSON.createObjectBuilder();
            for (Map.Entry<String, NetbootStatus.Engine> e : new TreeMap<>(NetbootStatus.engines()).entrySet()) {
                NetbootStatus.Engine engine = e.getValue();
                serversUp &= engine.healthy();
                JsonObjectBuilder server = JSON.createObjectBuilder().add("status", engine.state())
                        .add("since", engine.since().toString());
                if (engine.detail() != null) {
                    server.add("message", engine.detail());
                }
                servers.add(e.getKey(), server);
            }
            netboot.add("status", since.isPresent() && serversUp ? "up" : "down");
            since.ifPresent(s -> netboot.add("adapter_started_at", s.toString()));
            netboot.add("servers", servers);
            up &= since.isPresent() && serversUp;
        } catch (LinkageError noAdapter) {
            // the rar is not deployed (or was deployed after this war): its classes are not visible
            netboot.add("status", "down").add("message", "netboot adapter not deployed");
            up = false;
        }
        DownloadQueue.Snapshot queue = downloads.queue().snapshot();
        JsonObjectBuilder checks = JSON.createObjectBuilder()
                .add("database", database)
                .add("image_store", images)
                .add("netboot", netboot)
                .add("downloads", JSON.createObjectBuilder().add("status", "up")
                        .add("streaming", queue.streaming().size()).add("waiting", queue.waiting().size())
                        .add("max_concurrent", queue.capacity()).add("sendfile", ZeroCopy.state()));
        for (HealthContribution contribution : contributions) {
            try {
                JsonObject check = contribution.check();
                checks.add(contribution.name(), check);
                up &= contribution.healthy(check);
            } catch (RuntimeException e) {
                checks.add(contribution.name(), JSON.createObjectBuilder().add("status", "down")
                        .add("message", String.valueOf(e.getMessage())));
                up = false;
            }
        }
        String body = JSON.createObjectBuilder()
                .add("status", up ? "UP" : "DOWN")
                .add("timestamp", Instant.now().toString())
                .add("checks", checks)
                .build().toString();
        response.setStatus(up ? 200 : 503);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(body);
    }
}
