package io.rpideploy.platform.control;

import org.eclipse.persistence.platform.database.DatabasePlatform;
import org.eclipse.persistence.queries.ValueReadQuery;

/**
 * EclipseLink does not know SQLite and would emulate IDENTITY with a sequence table. This platform uses SQLite's
 * rowid instead: {@code INTEGER PRIMARY KEY} columns and {@code last_insert_rowid()} on the same connection.
 */
public class SQLitePlatform extends DatabasePlatform {

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
