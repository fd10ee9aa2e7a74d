package io.rpideploy.platform.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.platform.control.DatabaseFailures.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import javax.transaction.xa.XAException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

class DatabaseFailuresTest {

    @Test
    void sqliteResultCodesAreSortedIntoBusyAndUnwritable() {
        assertEquals(Kind.BUSY, DatabaseFailures.classify(sqlite(SQLiteErrorCode.SQLITE_BUSY)));
        assertEquals(Kind.BUSY, DatabaseFailures.classify(sqlite(SQLiteErrorCode.SQLITE_LOCKED)));
        assertEquals(Kind.UNWRITABLE, DatabaseFailures.classify(sqlite(SQLiteErrorCode.SQLITE_READONLY)));
        assertEquals(Kind.UNWRITABLE, DatabaseFailures.classify(sqlite(SQLiteErrorCode.SQLITE_IOERR_WRITE)));
        assertEquals(Kind.UNWRITABLE, DatabaseFailures.classify(sqlite(SQLiteErrorCode.SQLITE_FULL)));
        assertEquals(Kind.UNWRITABLE, DatabaseFailures.classify(sqlite(SQLiteErrorCode.SQLITE_CANTOPEN)));
        assertEquals(Kind.NONE, DatabaseFailures.classify(sqlite(SQLiteErrorCode.SQLITE_CONSTRAINT)));
        assertEquals(Kind.NONE, DatabaseFailures.classify(new IllegalStateException("a bug")));
        assertEquals(Kind.NONE, DatabaseFailures.classify((Throwable) null));
    }

    @Test
    void foundDeepInTheCauseChainAndInMessagesOfWrappersThatLostTheCause() {
        RuntimeException wrapped = new RuntimeException("commit failed",
                new IllegalStateException(sqlite(SQLiteErrorCode.SQLITE_IOERR_WRITE)));
        assertEquals(Kind.UNWRITABLE, DatabaseFailures.classify(wrapped));
        // the transaction manager's XAException around a failed commit keeps only the driver's words
        XAException xa = new XAException("jakarta.resource.spi.LocalTransactionException: [SQLITE_IOERR_WRITE] I/O "
                + "error in the VFS layer while trying to write to a file on disk (disk I/O error)");
        assertEquals(Kind.UNWRITABLE, DatabaseFailures.classify(new RuntimeException("SystemException", xa)));
        assertEquals(Kind.BUSY, DatabaseFailures.classify(new RuntimeException("[SQLITE_BUSY] The database file is "
                + "locked (database is locked)")));
        // after SQLite rolled back by itself, the driver's commit finds nothing to commit
        assertEquals(Kind.UNWRITABLE, DatabaseFailures.classify(new SQLException("[SQLITE_ERROR] SQL error or "
                + "missing database (cannot commit - no transaction is active)", null, 1)));
        assertEquals(Kind.NONE, DatabaseFailures.classify(new SQLException("[SQLITE_ERROR] SQL error or missing "
                + "database (no such table: x)", null, 1)));
    }

    @Test
    void aReadOnlyRefusalIsTheOnlyOneWorthRunningAgain() {
        assertTrue(SerializedWriteInterceptor.readOnlyConnection(
                new RuntimeException(sqlite(SQLiteErrorCode.SQLITE_READONLY))));
        assertFalse(SerializedWriteInterceptor.readOnlyConnection(sqlite(SQLiteErrorCode.SQLITE_IOERR_WRITE)));
        assertFalse(SerializedWriteInterceptor.readOnlyConnection(new RuntimeException("no")));
    }

    @Test
    void aRealReadOnlyConnectionIsRefusedAsUnwritableAndRetiredForGood(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("t.db");
        try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = writer.createStatement()) {
            s.execute("CREATE TABLE t (x INTEGER)");
        }
        // what a pool gets when it opens a connection while the file is unwritable (here: opened read-only)
        org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
        config.setReadOnly(true);
        Connection readOnly = config.createConnection("jdbc:sqlite:" + file);
        SQLException refused = assertThrows(SQLException.class,
                () -> readOnly.createStatement().execute("INSERT INTO t VALUES (1)"));
        assertEquals(Kind.UNWRITABLE, DatabaseFailures.classify(refused));
        DatabaseFailures.retire(readOnly);
        assertTrue(readOnly.isClosed());
        DatabaseFailures.retire(null); // nothing to do
        assertTrue(Files.exists(file));
    }

    @Test
    void writeStateNeedsASuccessAfterTheLastFailure() {
        DatabaseWriteState.reset();
        long window = 2_000_000_000L;
        assertFalse(DatabaseWriteState.recentlyWritten(System.nanoTime(), window));
        DatabaseWriteState.succeeded();
        assertTrue(DatabaseWriteState.recentlyWritten(System.nanoTime(), window));
        assertFalse(DatabaseWriteState.recentlyWritten(System.nanoTime() + 2 * window, window));
        DatabaseWriteState.failed(Kind.UNWRITABLE);
        assertFalse(DatabaseWriteState.recentlyWritten(System.nanoTime(), window));
        assertEquals(Kind.UNWRITABLE, DatabaseWriteState.lastFailure());
        DatabaseWriteState.succeeded();
        assertTrue(DatabaseWriteState.recentlyWritten(System.nanoTime(), window));
        DatabaseWriteState.reset();
    }

    @Test
    void probeReasonIsSqlitesOwnWords() {
        assertEquals("disk I/O error", DatabaseProbe.reason(new SQLException("[SQLITE_IOERR_WRITE] I/O error in the "
                + "VFS layer while trying to write to a file on disk (disk I/O error)")));
        assertEquals("plain", DatabaseProbe.reason(new SQLException("plain")));
    }

    private static SQLiteException sqlite(SQLiteErrorCode code) {
        return new SQLiteException(code.message, code);
    }
}
