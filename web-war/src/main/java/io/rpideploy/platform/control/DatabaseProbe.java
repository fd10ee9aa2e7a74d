package io.rpideploy.platform.control;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Whether the database takes writes now, for {@code /health}. Reading (what health did before) kept answering
 * while every write failed; this one writes: {@code BEGIN IMMEDIATE}, rewrite {@code user_version} with its own
 * value, {@code COMMIT} (one page into the WAL), with a short busy timeout and in the writers' turn so that it
 * never competes with a real write. It probes only when no write has gone through in the last
 * {@link #RECENT_NANOS} (writes flowing are proof enough), and at most once per {@link #CACHE_NANOS}.
 */
@ApplicationScoped
public class DatabaseProbe {

    /** The database's state: {@code up}, {@code busy} (locked by another process: writes wait) or {@code down}. */
    public record Result(String status, String message, boolean healthy) {
        static final Result UP = new Result("up", null, true);
    }

    static final long RECENT_NANOS = TimeUnit.SECONDS.toNanos(2);
    static final long CACHE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How long the probe waits for SQLite's write lock, then reports {@code busy}. */
    static final int PROBE_BUSY_TIMEOUT_MS = 500;

    @Resource(lookup = "jdbc/rpideploy")
    DataSource dataSource;

    private Result cached;
    private long cachedAt;

    public synchronized Result check() throws InterruptedException {
        long now = System.nanoTime();
        if (cached != null && now - cachedAt < CACHE_NANOS) {
            return cached;
        }
        cached = probe(now);
        cachedAt = System.nanoTime();
        return cached;
    }

    private Result probe(long now) throws InterruptedException {
        if (DatabaseWriteState.recentlyWritten(now, RECENT_NANOS)) {
            return Result.UP;
        }
        if (!SerializedWriteInterceptor.tryTurn(1, TimeUnit.SECONDS)) {
            // a write holds the turn that long: it waits for a lock someone else holds (or a slow disk)
            return new Result("busy", "writes are waiting for the database lock", true);
        }
        try {
            Result result = null;
            // a connection left read-only by an unwritable file is retired on its refusal: try a fresh one
            for (int attempt = 0; attempt < SerializedWriteInterceptor.READ_ONLY_ATTEMPTS && result == null;
                 attempt++) {
                result = writeProbe();
            }
            return result == null ? new Result("down", "the database refuses writes (read-only)", false) : result;
        } finally {
            SerializedWriteInterceptor.endTurn();
        }
    }

    /** The result, or null when the connection was read-only (retired; worth another try). */
    private Result writeProbe() {
        Connection connection = null;
        try {
            connection = dataSource.getConnection();
            try (Statement statement = connection.createStatement()) {
                int busyTimeout = intOf(statement, "PRAGMA busy_timeout");
                statement.execute("PRAGMA busy_timeout = " + PROBE_BUSY_TIMEOUT_MS);
                try {
                    statement.execute("BEGIN IMMEDIATE");
                    try {
                        statement.execute("PRAGMA user_version = " + intOf(statement, "PRAGMA user_version"));
                        statement.execute("COMMIT");
                    } catch (SQLException e) {
                        rollbackQuietly(statement);
                        throw e;
                    }
                } finally {
                    statement.execute("PRAGMA busy_timeout = " + busyTimeout);
                }
            }
            DatabaseWriteState.succeeded();
            return Result.UP;
        } catch (SQLException e) {
            DatabaseFailures.Kind kind = DatabaseFailures.classify(e);
            switch (kind) {
                case BUSY:
                    return new Result("busy", "locked by another process; writes wait", true);
                case UNWRITABLE:
                    DatabaseWriteState.failed(kind);
                    DatabaseFailures.retire(connection);
                    if ((e.getErrorCode() & 0xff) == 8) {
                        return null;
                    }
                    return new Result("down", "the database files cannot be written (" + reason(e) + ")", false);
                default:
                    return new Result("down", "database not reachable", false);
            }
        } finally {
            closeQuietly(connection);
        }
    }

    private static int intOf(Statement statement, String sql) throws SQLException {
        try (ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getInt(1);
        }
    }

    /** SQLite's own words, e.g. "disk I/O error" or "database or disk is full", without driver prefixes. */
    static String reason(SQLException e) {
        String message = String.valueOf(e.getMessage());
        int open = message.lastIndexOf('(');
        int close = message.lastIndexOf(')');
        return open >= 0 && close > open ? message.substring(open + 1, close) : message;
    }

    private static void rollbackQuietly(Statement statement) {
        try {
            statement.execute("ROLLBACK");
        } catch (SQLException alreadyRolledBack) {
            // SQLite rolls back by itself after an I/O error or a full disk
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // retired or broken: the pool's validation drops it
            }
        }
    }
}
