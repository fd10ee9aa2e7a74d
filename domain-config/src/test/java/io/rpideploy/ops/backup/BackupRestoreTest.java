package io.rpideploy.ops.backup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.ops.OpsCommand;
import io.rpideploy.ops.OpsEnvironment;
import io.rpideploy.ops.TestData;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupRestoreTest {

    private static final String SECRET = "RPIDEPLOY_ADMIN_PASSWORD=s3cret-never-printed";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private byte[] image;

    private int run(OpsCommand command, OpsEnvironment env, String... args) throws Exception {
        return command.run(List.of(args), env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** A data directory in use: database, a per-board boot override, a TLS keystore, one image, the env file. */
    private OpsEnvironment source() throws Exception {
        Path home = Files.createDirectories(dir.resolve("source"));
        Path db = home.resolve("rpideploy.db");
        TestData.createDatabase(db);
        image = new byte[200_000];
        new java.util.Random(7).nextBytes(image);
        Files.write(Files.createDirectories(home.resolve("images")).resolve("KXP2_v1_k.img.zst"), image);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("INSERT INTO master_image (filename, product_type, version, size_bytes, checksum, is_active,"
                    + " uploaded_at, format) VALUES ('KXP2_v1_k.img.zst', 'KXP2', '1', 200000, '" + sha + "', 1,"
                    + " '2026-12-06T09:00:00.000Z', 'zst')");
        }
        Files.writeString(Files.createDirectories(home.resolve("boot/1a2b3c4d")).resolve("config.txt"), "arm_64bit=1\n");
        Files.writeString(Files.createDirectories(home.resolve("tls")).resolve("management.pass"), "pw\n");
        Files.writeString(home.resolve("tls/jvm.options"), "-Djavax.net.ssl.keyStorePassword=pw\n");
        OpsEnvironment env = TestData.env(home);
        Files.writeString(Path.of(env.get("RPIDEPLOY_ENV_FILE").orElseThrow()), SECRET + "\n");
        return env;
    }

    private Path onlyArchive(Path folder) throws Exception {
        try (Stream<Path> list = Files.list(folder)) {
            List<Path> archives = list.filter(p -> p.getFileName().toString().endsWith(".zip")).toList();
            assertEquals(1, archives.size(), archives.toString());
            return archives.get(0);
        }
    }

    private static JsonObject manifest(Path archive) throws Exception {
        try (ZipFile zip = new ZipFile(archive.toFile());
             var reader = Json.createReader(zip.getInputStream(zip.getEntry("manifest.json")))) {
            return reader.readObject();
        }
    }

    @Test
    void theArchiveHoldsDatabaseSettingsBootFilesAndAManifestOfImages() throws Exception {
        OpsEnvironment env = source();
        assertEquals(0, run(new BackupCommand(), env), err.toString());
        Path archive = onlyArchive(env.home().resolve("backups"));
        assertTrue(archive.getFileName().toString().matches("rpi-deploy-backup-\\d{8}-\\d{6}-\\d{3}\\.zip"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(archive)));
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            Set<String> names = zip.stream().map(ZipEntry::getName).collect(Collectors.toSet());
            assertEquals(Set.of("database/rpideploy.db", "settings/rpi-deploy.env", "boot/1a2b3c4d/config.txt",
                    "tls/management.pass", "manifest.json"), names, "no images without --with-images, no jvm.options");
        }
        JsonObject manifest = manifest(archive);
        assertEquals("rpi-deploy-backup", manifest.getString("format"));
        assertEquals("6", manifest.getString("schema_version"));
        assertEquals(1, manifest.getJsonObject("counts").getInt("venue"));
        JsonObject img = manifest.getJsonArray("images").getJsonObject(0);
        assertEquals("KXP2_v1_k.img.zst", img.getString("filename"));
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image)),
                img.getString("checksum"));
        assertFalse(img.getBoolean("included"));
        assertFalse((out.toString() + err.toString()).contains("s3cret"), "secrets are never printed");
        try (Stream<Path> left = Files.list(env.home().resolve("backups"))) {
            assertEquals(1, left.count(), "no temporary files left beside the archive");
        }
    }

    @Test
    void aRestoreOntoAFreshDataDirectoryBringsEverythingBack() throws Exception {
        OpsEnvironment env = source();
        assertEquals(0, run(new BackupCommand(), env, "--with-images", "--output", dir.resolve("out").toString()),
                err.toString());
        Path archive = onlyArchive(dir.resolve("out"));
        assertTrue(manifest(archive).getJsonArray("images").getJsonObject(0).getBoolean("included"));

        Path fresh = dir.resolve("fresh");
        OpsEnvironment target = TestData.env(fresh, "RPIDEPLOY_ENV_FILE", dir.resolve("etc/new.env").toString());
        assertEquals(0, run(new RestoreCommand(), target, archive.toString()), out + " / " + err);
        assertEquals(1, TestData.count(fresh.resolve("rpideploy.db"), "SELECT COUNT(*) FROM venue WHERE code = 'TEST'"));
        assertEquals(1, TestData.count(fresh.resolve("rpideploy.db"), "SELECT COUNT(*) FROM user_account"));
        assertEquals("arm_64bit=1\n", Files.readString(fresh.resolve("boot/1a2b3c4d/config.txt")));
        assertEquals("pw\n", Files.readString(fresh.resolve("tls/management.pass")));
        assertArrayEquals(image, Files.readAllBytes(fresh.resolve("images/KXP2_v1_k.img.zst")));
        assertEquals(SECRET + "\n", Files.readString(dir.resolve("etc/new.env")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("etc/new.env"))));
        assertFalse((out.toString() + err.toString()).contains("s3cret"));
        try (Stream<Path> left = Files.list(fresh)) {
            assertFalse(left.anyMatch(p -> p.getFileName().toString().startsWith(".restore")), "staging removed");
        }
    }

    /** An image's block map (V13) travels with the image: archived, listed, checked and restored beside it. */
    @Test
    void aBlockMapGoesWithItsImageAndIsCheckedOnTheWayBack() throws Exception {
        OpsEnvironment env = source();
        byte[] map = "<?xml version=\"1.0\" ?>\n<bmap version=\"2.0\"></bmap>\n".getBytes(StandardCharsets.UTF_8);
        Files.write(env.home().resolve("images/KXP2_v1_k.img.zst.bmap"), map);
        Files.writeString(env.home().resolve("images/planted.img.bmap"), "not registered");
        String mapSum = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(map));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + env.home().resolve("rpideploy.db"));
             Statement s = c.createStatement()) {
            s.execute("ALTER TABLE master_image ADD COLUMN bmap_checksum TEXT");
            s.execute("UPDATE master_image SET bmap_checksum = '" + mapSum + "'");
        }
        assertEquals(0, run(new BackupCommand(), env, "--with-images", "--output", dir.resolve("out").toString()),
                err.toString());
        Path archive = onlyArchive(dir.resolve("out"));
        JsonObject img = manifest(archive).getJsonArray("images").getJsonObject(0);
        assertEquals(mapSum, img.getString("bmap_checksum"));
        assertEquals("images/KXP2_v1_k.img.zst.bmap", img.getString("bmap_path"));
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            assertTrue(zip.getEntry("images/KXP2_v1_k.img.zst.bmap") != null);
            assertTrue(zip.getEntry("images/planted.img.bmap") == null, "only registered maps");
        }

        Path fresh = dir.resolve("fresh");
        assertEquals(0, run(new RestoreCommand(), TestData.env(fresh), archive.toString()), out + " / " + err);
        assertArrayEquals(map, Files.readAllBytes(fresh.resolve("images/KXP2_v1_k.img.zst.bmap")));

        // an archive whose map is not the one its registry recorded (manifest rewritten to match) is refused
        Path forged = dir.resolve("forged.zip");
        try (ZipFile zip = new ZipFile(archive.toFile());
             ZipOutputStream copy = new ZipOutputStream(Files.newOutputStream(forged))) {
            byte[] other = "<bmap version=\"2.0\">other</bmap>".getBytes(StandardCharsets.UTF_8);
            String otherSum = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(other));
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                byte[] data = zip.getInputStream(e).readAllBytes();
                if (e.getName().endsWith(".bmap")) {
                    data = other;
                } else if (e.getName().equals("manifest.json")) {
                    data = new String(data, StandardCharsets.UTF_8).replaceAll("(\"path\"\\s*:\\s*\"images/"
                            + "KXP2_v1_k.img.zst.bmap\",\\s*\"size\"\\s*:\\s*)\\d+(,\\s*\"sha256\"\\s*:\\s*\")"
                            + mapSum, "$1" + other.length + "$2" + otherSum).getBytes(StandardCharsets.UTF_8);
                    assertTrue(new String(data, StandardCharsets.UTF_8).contains(otherSum), "manifest rewritten");
                }
                copy.putNextEntry(new ZipEntry(e.getName()));
                copy.write(data);
            }
        }
        err.reset();
        assertEquals(2, run(new RestoreCommand(), TestData.env(dir.resolve("fresh2")), forged.toString()));
        assertTrue(err.toString().contains("is not the block map its registry recorded"), err.toString());

        // a map changed on disk since it was recorded stays out of the backup, which still restores
        Files.writeString(env.home().resolve("images/KXP2_v1_k.img.zst.bmap"), "changed on disk");
        out.reset();
        err.reset();
        assertEquals(1, run(new BackupCommand(), env, "--with-images", "--output", dir.resolve("out2").toString()),
                err.toString()); // written, with a warning
        assertTrue((out.toString() + err).contains("does not match its recorded checksum: not in the backup"),
                out + " / " + err);
        Path second = onlyArchive(dir.resolve("out2"));
        assertFalse(manifest(second).getJsonArray("images").getJsonObject(0).containsKey("bmap_path"));
        int restored = run(new RestoreCommand(), TestData.env(dir.resolve("fresh3")), second.toString());
        assertTrue(restored < 2, "restored (warnings allowed): " + out + " / " + err);
        assertTrue(Files.isRegularFile(dir.resolve("fresh3/images/KXP2_v1_k.img.zst")));
        assertFalse(Files.exists(dir.resolve("fresh3/images/KXP2_v1_k.img.zst.bmap")));
    }

    @Test
    void anExistingDatabaseIsKeptUnlessForcedAndThenMovedAsideNotDeleted() throws Exception {
        OpsEnvironment env = source();
        assertEquals(0, run(new BackupCommand(), env));
        Path archive = onlyArchive(env.home().resolve("backups"));
        Path db = env.home().resolve("rpideploy.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("INSERT INTO venue (code, name, created_at) VALUES ('LATE', 'After', 'x')");
        }
        assertEquals(2, run(new RestoreCommand(), env, archive.toString()));
        assertTrue(err.toString().contains("exists: restore onto a fresh data directory, or add --force"), err.toString());
        assertEquals(2, TestData.count(db, "SELECT COUNT(*) FROM venue"), "untouched");

        assertEquals(0, run(new RestoreCommand(), env, archive.toString(), "--force"), out + " / " + err);
        assertEquals(1, TestData.count(db, "SELECT COUNT(*) FROM venue"), "the backup's state");
        Path aside;
        try (Stream<Path> list = Files.list(env.home())) {
            aside = list.filter(p -> p.getFileName().toString().startsWith("pre-restore-")).findFirst().orElseThrow();
        }
        assertEquals(2, TestData.count(aside.resolve("rpideploy.db"), "SELECT COUNT(*) FROM venue"));
        assertEquals("arm_64bit=1\n", Files.readString(aside.resolve("boot/1a2b3c4d/config.txt")));
        assertTrue(out.toString().contains("already holds the archive's settings"), out.toString());
    }

    @Test
    void aDamagedArchiveIsRefusedBeforeAnythingIsWritten() throws Exception {
        OpsEnvironment env = source();
        assertEquals(0, run(new BackupCommand(), env, "--with-images"));
        Path archive = onlyArchive(env.home().resolve("backups"));
        byte[] bytes = Files.readAllBytes(archive);
        int at = indexOf(bytes, java.util.Arrays.copyOfRange(image, 1000, 1032)); // images are stored as they are
        assertTrue(at > 0);
        bytes[at] ^= 0x01;
        Path damaged = dir.resolve("damaged.zip");
        Files.write(damaged, bytes);

        Path fresh = dir.resolve("fresh");
        assertEquals(2, run(new RestoreCommand(), TestData.env(fresh), damaged.toString()));
        assertTrue(err.toString().contains("images/KXP2_v1_k.img.zst does not match the manifest")
                || err.toString().contains("cannot be read"), err.toString());
        assertTrue(err.toString().contains("nothing was changed"));
        try (Stream<Path> left = Files.list(fresh)) {
            assertEquals(List.of(), left.toList(), "nothing restored, no staging left");
        }
    }

    /** The manifest's checksums match but the database is not sound: integrity_check refuses it. */
    @Test
    void aDatabaseThatFailsTheIntegrityCheckIsRefused() throws Exception {
        byte[] garbage = "SQLite format 3\0 but not really a database".repeat(200).getBytes(StandardCharsets.UTF_8);
        Path archive = dir.resolve("forged.zip");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(archive))) {
            zip.putNextEntry(new ZipEntry("database/rpideploy.db"));
            zip.write(garbage);
            zip.putNextEntry(new ZipEntry("manifest.json"));
            zip.write(Json.createObjectBuilder().add("format", "rpi-deploy-backup").add("format_version", 1)
                    .add("created_at", "x").add("files", Json.createArrayBuilder().add(Json.createObjectBuilder()
                            .add("path", "database/rpideploy.db").add("size", garbage.length)
                            .add("sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                                    .digest(garbage))))).build().toString().getBytes(StandardCharsets.UTF_8));
        }
        Path fresh = dir.resolve("fresh");
        assertEquals(2, run(new RestoreCommand(), TestData.env(fresh), archive.toString()));
        assertTrue(err.toString().contains("the database in the archive"), err.toString());
        assertFalse(Files.exists(fresh.resolve("rpideploy.db")));
    }

    @Test
    void anEntryTheManifestDoesNotListIsRefused() throws Exception {
        OpsEnvironment env = source();
        assertEquals(0, run(new BackupCommand(), env));
        Path archive = onlyArchive(env.home().resolve("backups"));
        Path extended = dir.resolve("extended.zip");
        try (ZipFile in = new ZipFile(archive.toFile());
             ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(extended))) {
            for (ZipEntry e : java.util.Collections.list(in.entries())) {
                zip.putNextEntry(new ZipEntry(e.getName()));
                in.getInputStream(e).transferTo(zip);
            }
            zip.putNextEntry(new ZipEntry("boot/../../escape.txt"));
            zip.write(1);
        }
        Path fresh = dir.resolve("fresh");
        assertEquals(2, run(new RestoreCommand(), TestData.env(fresh), extended.toString()));
        assertTrue(err.toString().contains("boot/../../escape.txt is not (or twice) in the manifest"), err.toString());
        assertFalse(Files.exists(dir.resolve("escape.txt")));
        assertFalse(Files.exists(fresh.resolve("rpideploy.db")));
    }

    /** A server (here a second process) has the database open: refused even with --force. */
    @Test
    void aRestoreIsRefusedWhileAServerHasTheDatabaseOpen() throws Exception {
        OpsEnvironment env = source();
        assertEquals(0, run(new BackupCommand(), env));
        Path archive = onlyArchive(env.home().resolve("backups"));
        Path db = env.home().resolve("rpideploy.db");
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HoldOpen.class.getName(), db.toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8));
            // the child's class path may bring libraries that say something first (an SLF4J warning): skip that
            String line = lines.readLine();
            for (int skipped = 0; line != null && !line.equals("open") && skipped < 20; skipped++) {
                line = lines.readLine();
            }
            assertEquals("open", line);
            byte[] before = Files.readAllBytes(db);
            assertEquals(2, run(new RestoreCommand(), env, archive.toString(), "--force"));
            assertTrue(err.toString().contains("a server is running on"), err.toString());
            assertArrayEquals(before, Files.readAllBytes(db));
        } finally {
            server.getOutputStream().close();
            if (!server.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
        // once it is gone the same restore goes through
        err.reset();
        assertEquals(0, run(new RestoreCommand(), env, archive.toString(), "--force"), err.toString());
    }

    @Test
    void keepPrunesTheOldestArchivesOnly() throws Exception {
        OpsEnvironment env = source();
        Path backups = Files.createDirectories(env.home().resolve("backups"));
        List<String> old = new ArrayList<>(List.of("rpi-deploy-backup-20200101-000000-000.zip",
                "rpi-deploy-backup-20210101-000000-000.zip", "rpi-deploy-backup-20220101-000000-000.zip"));
        for (String name : old) {
            Files.writeString(backups.resolve(name), "old");
        }
        Files.writeString(backups.resolve("notes.txt"), "mine");
        assertEquals(0, run(new BackupCommand(), env, "--keep", "2"), err.toString());
        try (Stream<Path> list = Files.list(backups)) {
            List<String> names = list.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(3, names.size(), names.toString());
            assertEquals("notes.txt", names.get(0), "only archives by their names are pruned");
            assertEquals("rpi-deploy-backup-20220101-000000-000.zip", names.get(1));
            assertTrue(names.get(2).startsWith("rpi-deploy-backup-20"), names.get(2));
        }
        // bad usage is refused before anything is written (Ops turns the exception into exit 2)
        IllegalArgumentException zero = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> run(new BackupCommand(), env, "--keep", "0"));
        assertTrue(zero.getMessage().contains("--keep needs a whole number of 1 or more"));
        try (Stream<Path> list = Files.list(backups)) {
            assertEquals(3, list.count());
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
