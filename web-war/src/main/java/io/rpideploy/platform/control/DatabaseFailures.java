package io.rpideploy.platform.control;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells a failure of the database itself (locked by another process, files unwritable, disk full) from our bugs, so
 * that a client gets 503 and "retry" instead of a 500, and so that a connection the failure has spoilt leaves the
 * pool. Reads SQLite's result codes from any {@link SQLException} in the cause chain; no container classes.
 */
public final class DatabaseFailures {

    /** What the database's refusal means for a writer. */
    public enum Kind {
        /** Not a database failure (or one we cannot name): a bug, 500. */
        NONE,
        /** Another process holds the lock longer than the busy timeout (SQLITE_BUSY, SQLITE_LOCKED). */
        BUSY,
        /** The files cannot be written: read-only files or connection, I/O error, disk full, file gone. */
        UNWRITABLE
    }

    /** sqlite-jdbc's messages start with the result code's name: {@code [SQLITE_IOERR_WRITE] ...}. */
    private static final Pattern RESULT_CODE = Pattern.compile("\\[SQLITE_([A-Z_]+)]");

    private static final Logger LOG = Logger.getLogger(DatabaseFailures.class.getName());

    // SQLite's primary result codes (https://www.sqlite.org/rescode.html); extended codes keep them in the low byte
    private static final int SQLITE_BUSY = 5;
    private static final int SQLITE_LOCKED = 6;
    private static final int SQLITE_READONLY = 8;
    private static final int SQLITE_IOERR = 10;
    private static final int SQLITE_FULL = 13;
    private static final int SQLITE_CANTOPEN = 14;

    private DatabaseFailures() {
    }

    /** The kind of the first database failure in the cause chain of {@code failure}. */
    public static Kind classify(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 32; t = t.getCause() == t ? null : t.getCause(), depth++) {
            Kind kind = t instanceof SQLException sql ? classify(sql) : classifyMessage(t.getMessage());
            if (kind != Kind.NONE) {
                return kind;
            }
        }
        return Kind.NONE;
    }

    static Kind classify(SQLException e) {
        switch (e.getErrorCode() & 0xff) {
            case SQLITE_BUSY, SQLITE_LOCKED:
                return Kind.BUSY;
            case SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN:
                return Kind.UNWRITABLE;
            default:
                return classifyMessage(e.getMessage());
        }
    }

    /**
     * By the driver's words, for wrappers that kept only the message (the transaction manager's XAException
     * around a failed commit has no cause).
     */
    static Kind classifyMessage(String message) {
        if (message == null) {
            return Kind.NONE;
        }
        Matcher code = RESULT_CODE.matcher(message);
        if (code.find()) {
            String name = code.group(1);
            if (name.startsWith("BUSY") || name.startsWith("LOCKED")) {
                return Kind.BUSY;
            }
            if (name.startsWith("READONLY") || name.startsWith("IOERR") || name.equals("FULL")
                    || name.startsWith("CANTOPEN")) {
                return Kind.UNWRITABLE;
            }
        }
        // SQLite rolls a transaction back by itself after an I/O error or a full disk; the driver does not notice,
        // so the commit or rollback that follows finds no transaction. Both are the aftermath of UNWRITABLE.
        if (message.contains("no transaction is active")) {
            return Kind.UNWRITABLE;
        }
        return Kind.NONE;
    }

    /**
     * Takes a pooled connection that an unwritable database has spoilt out of the pool: a connection opened while
     * the file was unwritable stays read-only for good, and one whose transaction SQLite rolled back by itself is
     * out of step with its driver. {@link Connection#abort} is JDBC's way to say so: the pool marks it for removal
     * and destroys it instead of handing it out again (the pool's validation, post-boot-commands.asadmin, catches
     * the out-of-step ones that nobody aborted), so writes recover by themselves once the files are writable again.
     */
    public static void retire(Connection pooled) {
        if (pooled == null) {
            return;
        }
        try {
            if (pooled instanceof org.sqlite.SQLiteConnection driver) {
                driver.close(); // not pooled (its abort would wait for nothing): just close it
            } else {
                pooled.abort(Runnable::run);
            }
            LOG.info("retired a database connection spoilt by an unwritable database; the pool opens a new one");
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not retire a spoilt database connection", e);
        }
    }
}
