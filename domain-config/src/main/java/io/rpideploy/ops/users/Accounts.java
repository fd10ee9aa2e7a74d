package io.rpideploy.ops.users;

import io.rpideploy.ops.database.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The console's accounts in the server's database (table user_account), changed the way the application's
 * UserService changes them: the new hash, updated_at, and an audit_event row in the same transaction.
 */
final class Accounts {

    /** The application's InstantConverter: fixed-width UTC text, so text order is time order. */
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    record Account(String username, String role, boolean enabled) {
    }

    private final Database database;

    Accounts(Database database) {
        this.database = database;
    }

    Optional<Account> find(String username) throws SQLException {
        try (PreparedStatement statement = database.connection().prepareStatement(
                "SELECT username, role, enabled FROM user_account WHERE username = ?")) {
            statement.setString(1, username);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(new Account(rows.getString(1), rows.getString(2),
                        rows.getInt(3) == 1)) : Optional.empty();
            }
        }
    }

    List<String> names() throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement statement = database.connection().createStatement();
             ResultSet rows = statement.executeQuery("SELECT username FROM user_account ORDER BY username")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }

    /**
     * Stores a new password hash and its audit line (action {@code user.password}, as the console's reset writes)
     * in one transaction. BEGIN IMMEDIATE takes the write lock at once, waiting (busy timeout) for the server's
     * writer rather than failing half-way.
     */
    void setPasswordHash(String username, String hash, String actor, String details, Instant now)
            throws SQLException {
        Connection c = database.connection();
        try (Statement statement = c.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            try {
                try (PreparedStatement update = c.prepareStatement(
                        "UPDATE user_account SET password_hash = ?, updated_at = ? WHERE username = ?")) {
                    update.setString(1, hash);
                    update.setString(2, TIME.format(now));
                    update.setString(3, username);
                    if (update.executeUpdate() != 1) {
                        throw new SQLException("user " + username + " vanished");
                    }
                }
                try (PreparedStatement audit = c.prepareStatement(
                        "INSERT INTO audit_event (at, actor, action, target, details) VALUES (?, ?, ?, ?, ?)")) {
                    audit.setString(1, TIME.format(now));
                    audit.setString(2, actor);
                    audit.setString(3, "user.password");
                    audit.setString(4, username);
                    audit.setString(5, details);
                    audit.executeUpdate();
                }
                statement.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                try {
                    statement.execute("ROLLBACK");
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        }
    }
}
