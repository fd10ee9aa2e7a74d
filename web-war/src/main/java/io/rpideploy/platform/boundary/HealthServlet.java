package io.rpideploy.platform.boundary;

import io.rpideploy.platform.control.DatabaseMigrations;
import jakarta.annotation.Resource;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
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
 * {@code GET /health} on both listeners, without login: {@code {status, timestamp, checks}}; 200 when the
 * database answers, 503 otherwise. A plain servlet so it stays outside the API's authentication.
 */
@WebServlet(urlPatterns = "/health")
public class HealthServlet extends HttpServlet {

    @Resource(lookup = "jdbc/rpideploy")
    private DataSource dataSource;

    @Inject
    DatabaseMigrations migrations;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonObjectBuilder database = Json.createObjectBuilder();
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
        String body = Json.createObjectBuilder()
                .add("status", up ? "UP" : "DOWN")
                .add("timestamp", Instant.now().toString())
                .add("checks", Json.createObjectBuilder().add("database", database))
                .build().toString();
        response.setStatus(up ? 200 : 503);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(body);
    }
}
