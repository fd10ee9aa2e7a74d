package io.rpideploy.platform.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** The write probe of /health against real SQLite files: up, busy (locked elsewhere), down (read-only). */
class DatabaseProbeTest {

    @TempDir
    Path dir;

    private String url;

    @BeforeEach
    void database() throws Exception {
        DatabaseWriteState.reset();
        url = "jdbc:sqlite:" + dir.resolve("probe.db");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA user_version = 7");
        }
    }

    @Test
    void aWritableDatabaseIsUpAndKeepsItsUserVersionAndBusyTimeout() throws Exception {
        SQLiteDataSource source = source(false);
        DatabaseProbe.Result result = probe(source).check();
        assertEquals("up", result.status());
        assertTrue(result.healthy());
        try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
            assertEquals(7, intOf(s, "PRAGMA user_version"));
        }
    }

    @Test
    void aDatabaseLockedByAnotherProcessIsBusyButHealthy() throws Exception {
        try (Connection outside = DriverManager.getConnection(url); Statement s = outside.createStatement()) {
            s.execute("BEGIN EXCLUSIVE");
            long started = System.nanoTime();
            DatabaseProbe.Result result = probe(source(false)).check();
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertEquals("busy", result.status(), String.valueOf(result));
            assertTrue(result.healthy());
            assertTrue(millis < 3000, "the probe waits briefly, not the pool's busy timeout: " + millis + " ms");
            s.execute("ROLLBACK");
        }
    }

    @Test
    void aDatabaseThatRefusesWritesIsDown() throws Exception {
        DatabaseProbe.Result result = probe(source(true)).check();
        assertEquals("down", result.status());
        assertFalse(result.healthy());
        assertEquals(DatabaseFailures.Kind.UNWRITABLE, DatabaseWriteState.lastFailure());
    }

    private DatabaseProbe probe(SQLiteDataSource source) {
        DatabaseProbe probe = new DatabaseProbe();
        probe.dataSource = source;
        return probe;
    }

    private SQLiteDataSource source(boolean readOnly) {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(readOnly);
        config.setBusyTimeout(30000);
        SQLiteDataSource source = new SQLiteDataSource(config);
        source.setUrl(url);
        return source;
    }

    private static int intOf(Statement s, String sql) throws Exception {
        try (ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getInt(1);
        }
    }
}
