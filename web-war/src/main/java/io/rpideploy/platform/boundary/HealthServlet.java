package io.rpideploy.platform.boundary;

import io.rpideploy.platform.control.AppVersion;
import io.rpideploy.platform.control.DatabaseMigrations;
import io.rpideploy.platform.control.DatabaseProbe;
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
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * {@code GET /health} on both listeners, without login: {@code {status, timestamp, version, commit, checks}}. The database is checked
 * here, by reading and by a write ({@link DatabaseProbe}: a database that answers reads but refuses writes is down);
 * every other entry is a feature's {@link HealthContribution} (image store, downloads, netboot, boot
 * environment), so this servlet depends on no feature. 200 when the database answers and every contribution is
 * healthy by its own rule, 503 otherwise. A plain servlet so it stays outside the API's authentication.
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
    DatabaseProbe probe;

    @Inject
    AppVersion version;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonObjectBuilder database = JSON.createObjectBuilder();
        boolean up;
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet journal = statement.executeQuery("PRAGMA journal_mode")) {
            journal.next();
            database.add("journal_mode", journal.getString(1))
                    .add("schema_version", String.valueOf(migrations.schemaVersion()));
            up = true;
        } catch (SQLException e) {
            getServletContext().log("health: database check failed", e);
            database.add("status", "down").add("message", "database not reachable");
            up = false;
        }
        if (up) {
            DatabaseProbe.Result writes;
            try {
                writes = probe.check();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                writes = new DatabaseProbe.Result("down", "health check interrupted", false);
            }
            database.add("status", writes.status());
            if (writes.message() != null) {
                database.add("message", writes.message());
            }
            up = writes.healthy();
        }
        JsonObjectBuilder checks = JSON.createObjectBuilder().add("database", database);
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
                .add("version", version.getVersion())
                .add("commit", version.getCommit())
                .add("checks", checks)
                .build().toString();
        response.setStatus(up ? 200 : 503);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(body);
    }
}
