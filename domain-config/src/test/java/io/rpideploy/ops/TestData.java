package io.rpideploy.ops;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/** A data directory with a database of the application's shape (the tables the ops commands read and write). */
public final class TestData {

    private TestData() {
    }

    public static OpsEnvironment env(Path home, String... more) {
        Map<String, String> vars = new HashMap<>();
        vars.put("RPIDEPLOY_HOME", home.toString());
        vars.put("RPIDEPLOY_ENV_FILE", home.resolveSibling("etc-rpi-deploy.env").toString());
        for (int i = 0; i + 1 < more.length; i += 2) {
            vars.put(more[i], more[i + 1]);
        }
        return new OpsEnvironment(vars, home);
    }

    /** The schema parts of web-war's migrations the commands touch, in WAL mode as the server runs it. */
    public static void createDatabase(Path file) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("CREATE TABLE venue (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
                    + " created_at TEXT NOT NULL)");
            s.execute("CREATE TABLE user_account (id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE,"
                    + " password_hash TEXT NOT NULL, role TEXT NOT NULL, enabled INTEGER NOT NULL DEFAULT 1,"
                    + " created_at TEXT NOT NULL, updated_at TEXT NOT NULL)");
            s.execute("CREATE TABLE audit_event (id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,"
                    + " action TEXT NOT NULL, target TEXT, details TEXT)");
            s.execute("CREATE TABLE master_image (id INTEGER PRIMARY KEY, filename TEXT NOT NULL UNIQUE,"
                    + " product_type TEXT NOT NULL, version TEXT NOT NULL, size_bytes INTEGER, checksum TEXT,"
                    + " uncompressed_checksum TEXT, is_active INTEGER NOT NULL DEFAULT 0, uploaded_at TEXT NOT NULL,"
                    + " format TEXT NOT NULL DEFAULT 'img', deleted_at TEXT)");
            s.execute("CREATE TABLE flyway_schema_history (installed_rank INTEGER PRIMARY KEY, version TEXT,"
                    + " success INTEGER NOT NULL)");
            s.execute("INSERT INTO flyway_schema_history VALUES (1, '1', 1), (2, '6', 1)");
            s.execute("INSERT INTO venue (code, name, created_at) VALUES ('TEST', 'Test', '2026-12-06T09:00:00.000Z')");
            s.execute("INSERT INTO user_account (username, password_hash, role, created_at, updated_at) VALUES"
                    + " ('admin', 'PBKDF2WithHmacSHA256:210000:AAAA:AAAA', 'admin', '2026-12-06T09:00:00.000Z',"
                    + " '2026-12-06T09:00:00.000Z')");
        }
    }

    public static long count(Path database, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database);
             Statement s = c.createStatement();
             var rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    public static String text(Path database, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database);
             Statement s = c.createStatement();
             var rows = s.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }
}
