package io.rpideploy.platform.control;

import java.sql.Connection;
import java.sql.SQLException;
import org.eclipse.persistence.internal.sessions.AbstractSession;
import org.eclipse.persistence.platform.database.DatabasePlatform;
import org.eclipse.persistence.queries.ValueReadQuery;

/**
 * EclipseLink does not know SQLite and would emulate IDENTITY with a sequence table. This platform uses SQLite's
 * rowid instead: {@code INTEGER PRIMARY KEY} columns and {@code last_insert_rowid()} on the same connection.
 */
public class SQLitePlatform extends DatabasePlatform {

    public SQLitePlatform() {
        // a ping query is what makes EclipseLink ask wasFailureCommunicationBased about every failed statement
        setPingSQL("SELECT 1");
    }

    /**
     * Called by EclipseLink with the connection a statement just failed on. A connection spoilt by an unwritable
     * database (read-only since it was opened, or its transaction rolled back by SQLite behind the driver's back)
     * is retired so that the pool replaces it; otherwise every later write on it failed until a restart. Returns
     * false: the failure itself is not retried here; the caller answers 503 and the client retries.
     */
    @Override
    public boolean wasFailureCommunicationBased(SQLException exception, Connection connection,
                                                AbstractSession session) {
        if (DatabaseFailures.classify(exception) == DatabaseFailures.Kind.UNWRITABLE) {
            DatabaseFailures.retire(connection);
        }
        return false;
    }

    @Override
    public boolean supportsIdentity() {
        return true;
    }

    @Override
    public ValueReadQuery buildSelectQueryForIdentity() {
        return new ValueReadQuery("SELECT last_insert_rowid()");
    }

    @Override
    public boolean supportsForeignKeyConstraints() {
        return true;
    }

    /** SQLite parses plain LEFT OUTER JOIN but not the JDBC escape {@code {oj ...}}. */
    @Override
    public boolean shouldUseJDBCOuterJoinSyntax() {
        return false;
    }

    @Override
    public boolean supportsLocalTempTables() {
        return false;
    }

    @Override
    public boolean supportsGlobalTempTables() {
        return false;
    }
}
