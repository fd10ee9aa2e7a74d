package io.rpideploy.ops.doctor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.sqlite.SQLiteConfig;

/**
 * The database file, opened read-only beside the running server (SQLite's WAL lets a reader in while the server
 * writes): SQLite's own integrity check, and the schema version Flyway recorded against the newest migration this
 * release ships in {@code lib/web-war.war} (the server migrates at its start, so a lower version means it has not
 * started on this release yet).
 */
public final class DatabaseChecks {

    /** Flyway's script names: {@code V6__deployment_report_token.sql}. */
    private static final Pattern MIGRATION = Pattern.compile("WEB-INF/classes/db/migration/V([0-9._]+)__[^/]*\\.sql");

    private DatabaseChecks() {
    }

    /** A read-only connection that waits out the server's short write locks. */
    public static Connection open(Path database) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(10_000);
        return DriverManager.getConnection("jdbc:sqlite:" + database, config.toProperties());
    }

    /** "database integrity": {@code PRAGMA integrity_check} says {@code ok}. */
    public static Finding integrity(Path database) {
        String check = "database integrity";
        if (!Files.isRegularFile(database)) {
            return Finding.fail(check, "no database at " + database,
                    "the server creates it at its first start; is RPIDEPLOY_HOME right?");
        }
        List<String> errors = new ArrayList<>();
        try (Connection connection = open(database);
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("PRAGMA integrity_check(20)")) {
            while (result.next()) {
                errors.add(result.getString(1));
            }
        } catch (SQLException e) {
            return Finding.fail(check, database + ": " + e.getMessage(), RESTORE);
        }
        if (errors.equals(List.of("ok"))) {
            return Finding.ok(check, database + ": ok");
        }
        return Finding.fail(check, database + ": " + String.join("; ", errors), RESTORE);
    }

    private static final String RESTORE = "stop the service and restore the last backup (docs/install.md: "
            + "pre-upgrade copies in $RPIDEPLOY_HOME/pre-upgrade/)";

    /** "schema version": Flyway's history has no failed step and reached the newest migration shipped. */
    public static Finding schema(Path database, Optional<String> shipped) {
        String check = "schema version";
        if (!Files.isRegularFile(database)) {
            return Finding.notChecked(check, "no database");
        }
        String applied = null;
        List<String> failed = new ArrayList<>();
        try (Connection connection = open(database);
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(
                     "SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL")) {
            while (result.next()) {
                String version = result.getString(1);
                if (result.getInt(2) == 0) {
                    failed.add(version);
                } else if (applied == null || compare(version, applied) > 0) {
                    applied = version;
                }
            }
        } catch (SQLException e) {
            return Finding.fail(check, "cannot read flyway_schema_history: " + e.getMessage(),
                    "a database the server never migrated, or a damaged one (see database integrity)");
        }
        if (!failed.isEmpty()) {
            return Finding.fail(check, "migration " + String.join(", ", failed) + " failed",
                    "the server refuses to start on it; restore the pre-upgrade copy (docs/install.md)");
        }
        if (applied == null) {
            return Finding.fail(check, "no migration recorded", "start the server once: it creates the schema");
        }
        if (shipped.isEmpty()) {
            return Finding.warn(check, "version " + applied + " (this release's version unknown: no lib/web-war.war)",
                    null);
        }
        int c = compare(applied, shipped.get());
        if (c == 0) {
            return Finding.ok(check, "version " + applied + ", as this release ships");
        }
        if (c < 0) {
            return Finding.warn(check, "version " + applied + ", this release ships " + shipped.get(),
                    "the server migrates at its start: restart it (systemctl restart rpi-deploy)");
        }
        return Finding.fail(check, "version " + applied + " is newer than this release's " + shipped.get()
                + " (a downgrade?)", "install the newer release again, or restore the pre-upgrade copy");
    }

    /** The newest migration in the war ({@code V6__...sql} gives {@code 6}). */
    public static Optional<String> shippedVersion(Path war) {
        if (!Files.isRegularFile(war)) {
            return Optional.empty();
        }
        try (ZipFile zip = new ZipFile(war.toFile())) {
            return zip.stream().map(ZipEntry::getName).map(MIGRATION::matcher).filter(Matcher::matches)
                    .map(m -> m.group(1).replace('_', '.')).max(DatabaseChecks::compare);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Flyway orders versions part by part, numerically: 1.10 after 1.9. */
    static int compare(String a, String b) {
        String[] x = a.split("[._]");
        String[] y = b.split("[._]");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            long p = i < x.length ? Long.parseLong(x[i]) : 0;
            long q = i < y.length ? Long.parseLong(y[i]) : 0;
            if (p != q) {
                return Long.compare(p, q);
            }
        }
        return 0;
    }

}
