package io.rpideploy.ops.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseChecksTest {

    @TempDir
    Path dir;

    /** The parts of the server's schema the doctor reads: Flyway's history, images, audit. */
    static Path database(Path dir, String... migrations) throws Exception {
        Path db = dir.resolve("rpideploy.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("CREATE TABLE flyway_schema_history (installed_rank INTEGER PRIMARY KEY, version TEXT, "
                    + "success INTEGER NOT NULL)");
            for (int i = 0; i < migrations.length; i++) {
                String[] m = migrations[i].split(":");
                s.execute("INSERT INTO flyway_schema_history VALUES (" + (i + 1) + ", '" + m[0] + "', "
                        + (m.length > 1 ? m[1] : "1") + ")");
            }
            s.execute("CREATE TABLE master_image (id INTEGER PRIMARY KEY, filename TEXT, product_type TEXT, "
                    + "size_bytes INTEGER, checksum TEXT, is_active INTEGER, deleted_at TEXT)");
            s.execute("CREATE TABLE audit_event (id INTEGER PRIMARY KEY, at TEXT)");
            s.execute("CREATE TABLE netboot_event (id INTEGER PRIMARY KEY, at TEXT NOT NULL, protocol TEXT NOT NULL, "
                    + "kind TEXT NOT NULL, mac_address TEXT, ip_address TEXT)");
            // enough rows for pages beyond the first, so damage in the middle of the file hits a table
            s.execute("CREATE TABLE filler (id INTEGER PRIMARY KEY, text TEXT)");
            for (int i = 0; i < 400; i++) {
                s.execute("INSERT INTO filler (text) VALUES ('" + "x".repeat(200) + i + "')");
            }
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        return db;
    }

    @Test
    void integrityCheckSaysOkForAGoodFileAndFailsForDamage() throws Exception {
        Path db = database(dir, "1", "2");
        assertEquals(Status.OK, DatabaseChecks.integrity(db).status());
        try (RandomAccessFile file = new RandomAccessFile(db.toFile(), "rw")) {
            byte[] garbage = new byte[4096 * 4];
            java.util.Arrays.fill(garbage, (byte) 0x5A);
            file.seek(4096 * 3);
            file.write(garbage);
        }
        Finding damaged = DatabaseChecks.integrity(db);
        assertEquals(Status.FAIL, damaged.status(), damaged.message());
        assertEquals(Status.FAIL, DatabaseChecks.integrity(dir.resolve("missing.db")).status());
        Path notADatabase = Files.writeString(dir.resolve("text.db"), "this is not SQLite ".repeat(300));
        assertEquals(Status.FAIL, DatabaseChecks.integrity(notADatabase).status());
    }

    @Test
    void schemaVersionAgainstWhatTheReleaseShips() throws Exception {
        Path db = database(dir, "1", "2", "6");
        assertEquals(Status.OK, DatabaseChecks.schema(db, Optional.of("6")).status());
        assertEquals(Status.WARN, DatabaseChecks.schema(db, Optional.of("7")).status(), "not migrated yet");
        assertEquals(Status.FAIL, DatabaseChecks.schema(db, Optional.of("4")).status(), "a downgrade");
        assertEquals(Status.WARN, DatabaseChecks.schema(db, Optional.empty()).status());
        Path failed = database(Files.createDirectory(dir.resolve("failed")), "1", "2:0");
        Finding f = DatabaseChecks.schema(failed, Optional.of("2"));
        assertEquals(Status.FAIL, f.status());
        assertTrue(f.message().contains("migration 2 failed"), f.message());
    }

    @Test
    void shippedVersionIsTheNewestMigrationInTheWar() throws Exception {
        Path war = dir.resolve("web-war.war");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(war))) {
            for (String name : new String[] {"V1__baseline.sql", "V10__later.sql", "V9__b.sql", "R__repeatable.sql"}) {
                zip.putNextEntry(new ZipEntry("WEB-INF/classes/db/migration/" + name));
                zip.closeEntry();
            }
            zip.putNextEntry(new ZipEntry("WEB-INF/classes/other/V99__not_a_migration.sql"));
            zip.closeEntry();
        }
        assertEquals(Optional.of("10"), DatabaseChecks.shippedVersion(war), "numerically, not as text");
        assertEquals(Optional.empty(), DatabaseChecks.shippedVersion(dir.resolve("none.war")));
        assertTrue(DatabaseChecks.compare("1.10", "1.9") > 0);
        assertEquals(0, DatabaseChecks.compare("2", "2.0"));
    }

    static void write(Path file, byte[] bytes) throws Exception {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(bytes);
        }
    }
}
