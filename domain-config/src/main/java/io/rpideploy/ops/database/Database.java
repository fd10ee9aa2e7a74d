package io.rpideploy.ops.database;

import io.rpideploy.ops.OpsEnvironment;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;

/**
 * The server's SQLite file as the ops commands use it: opened beside the running server (WAL, the server's busy
 * timeout, so a command waits for the server's writer instead of failing), copied online with SQLite's backup API,
 * checked with {@code PRAGMA integrity_check}.
 */
public final class Database implements AutoCloseable {

    /** The file the server's JDBC pool opens (post-boot-commands.asadmin: {@code ${RPIDEPLOY_HOME}/rpideploy.db}). */
    public static final String FILE_NAME = "rpideploy.db";

    /**
     * SQLite's unix VFS holds a shared lock on this byte of the {@code -shm} file for as long as a connection has
     * the database open in WAL mode (UNIX_SHM_DMS in os_unix.c: (22 + 8) * 4 + 8).
     */
    private static final long SHM_DMS_BYTE = 128;

    private final Connection connection;

    private Database(Connection connection) {
        this.connection = connection;
    }

    /** Opens an existing database file (never creates one) with a busy timeout in milliseconds. */
    public static Database open(Path file, int busyTimeoutMillis) throws SQLException {
        if (!Files.isRegularFile(file)) {
            throw new SQLException("no database at " + file);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(busyTimeoutMillis);
        config.enforceForeignKeys(true);
        config.setOpenMode(org.sqlite.SQLiteOpenMode.READWRITE);
        config.resetOpenMode(org.sqlite.SQLiteOpenMode.CREATE);
        return new Database(DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties()));
    }

    /** The server's database file for these settings. */
    public static Path location(OpsEnvironment env) {
        return env.home().resolve(FILE_NAME);
    }

    /** The server's own busy timeout (RPIDEPLOY_DB_BUSY_TIMEOUT, default 30000 ms as in bin/rpideploy). */
    public static Database openServers(OpsEnvironment env) throws SQLException {
        String timeout = env.get("RPIDEPLOY_DB_BUSY_TIMEOUT", "30000");
        try {
            return open(location(env), Integer.parseInt(timeout));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("RPIDEPLOY_DB_BUSY_TIMEOUT must be a number of milliseconds: " + timeout);
        }
    }

    public Connection connection() {
        return connection;
    }

    /**
     * A consistent copy of the whole database into {@code target} (which must not exist), taken while the server
     * reads and writes. The copy runs in one backup step (all pages): one read transaction, so under WAL it sees one
     * snapshot, never blocks the server's writer and is never restarted by the writer's commits, as a copy in
     * small steps would be.
     */
    public void backupTo(Path target) throws SQLException {
        if (Files.exists(target)) {
            throw new SQLException("backup target exists: " + target);
        }
        // sleep 100 ms between busy retries, up to 300 of them (30 s), all pages in one step (-1)
        int rc = connection.unwrap(SQLiteConnection.class).getDatabase()
                .backup("main", target.toString(), null, 100, 300, -1);
        if (rc != 0 && rc != 101) { // SQLITE_OK, SQLITE_DONE
            throw new SQLException("SQLite backup failed with code " + rc);
        }
    }

    /** {@code ok}, or SQLite's list of what is wrong. */
    public String integrityCheck() throws SQLException {
        List<String> problems = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("PRAGMA integrity_check")) {
            while (rows.next()) {
                problems.add(rows.getString(1));
            }
        }
        return String.join("; ", problems);
    }

    /** The highest applied Flyway migration, if the schema has Flyway's history table. */
    public Optional<String> schemaVersion() throws SQLException {
        if (!hasTable("flyway_schema_history")) {
            return Optional.empty();
        }
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT version FROM flyway_schema_history WHERE success = 1"
                     + " AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1")) {
            return rows.next() ? Optional.ofNullable(rows.getString(1)) : Optional.empty();
        }
    }

    public boolean hasTable(String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
            statement.setString(1, name);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }

    /** Whether a table of the schema has this column (a database from before its migration has not). */
    public boolean hasColumn(String table, String column) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT 1 FROM pragma_table_info(?) WHERE name = ?")) {
            statement.setString(1, table);
            statement.setString(2, column);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }

    /** Rows in a table of the schema (the name is ours, never the user's). */
    public long count(String table) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /**
     * Whether another process (the server) has the database open: it then holds a shared lock on the {@code -shm}
     * file that an exclusive lock attempt here runs into. Must be asked before this process opens the same
     * database: POSIX locks are per process, and closing the channel here would drop this process's own SQLite
     * locks on that file.
     */
    public static boolean openElsewhere(Path database) throws IOException {
        Path shm = database.resolveSibling(database.getFileName() + "-shm");
        try (FileChannel channel = FileChannel.open(shm, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            try (FileLock lock = channel.tryLock(SHM_DMS_BYTE, 1, false)) {
                return lock == null;
            }
        } catch (NoSuchFileException none) {
            return false; // the last connection to close removes it; left over after a crash it is not locked
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
