package io.rpideploy.ops.backup;

import io.rpideploy.ops.database.Database;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Puts a backup archive back into a data directory. Everything is first unpacked into a staging folder inside the
 * data directory and checked there (each file against the manifest's size and SHA-256, nothing the manifest does not
 * list, the database copy with integrity_check); only then are the staged files renamed into place, and what they
 * replace (only with --force) is moved aside into {@code pre-restore-<time>/}, never deleted. A failure before the
 * renames leaves the data directory as it was; one during them moves back what was moved.
 */
public final class Restore {

    /** Refused before anything was written; exit 2. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    public record Result(JsonObject manifest, Path movedAside, List<String> notes, List<String> warnings) {
    }

    private final DataLayout layout;
    private final Clock clock;

    public Restore(DataLayout layout, Clock clock) {
        this.layout = layout;
        this.clock = clock;
    }

    public Result restore(Path archive, boolean force) throws Refused, IOException, SQLException {
        if (Database.openElsewhere(layout.database())) {
            throw new Refused("a server is running on " + layout.home() + " (its database is open): stop it first"
                    + " (systemctl stop rpi-deploy), then restore");
        }
        if (Files.exists(layout.database()) && !force) {
            throw new Refused(layout.database() + " exists: restore onto a fresh data directory, or add --force"
                    + " to replace it (what is replaced is moved to " + layout.home() + "/pre-restore-<time>/)");
        }
        if (!Files.isRegularFile(archive)) {
            throw new Refused("no archive at " + archive);
        }
        String stamp = DateTimeFormatter.ofPattern("uuuuMMdd-HHmmss").withZone(ZoneOffset.UTC).format(clock.instant());
        Files.createDirectories(layout.home());
        Path staging = Files.createTempDirectory(layout.home(), ".restore-");
        try {
            JsonObject manifest = unpack(archive, staging);
            checkDatabase(staging.resolve(BackupArchive.DATABASE));
            List<String> notes = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            Path aside = layout.home().resolve("pre-restore-" + stamp);
            install(manifest, staging, aside, notes);
            restoreSettings(staging.resolve(BackupArchive.SETTINGS), notes, warnings);
            for (JsonObject image : list(manifest, "images")) {
                Path file = layout.images().resolve(image.getString("filename"));
                if (!image.getBoolean("deleted", false) && !Files.isRegularFile(file)) {
                    warnings.add("image " + image.getString("filename") + " is registered but not in "
                            + layout.images() + " (back up --with-images, or copy the file there)");
                } else if (!image.getBoolean("deleted", false) && image.containsKey("bmap_checksum")
                        && !Files.isRegularFile(file.resolveSibling(file.getFileName() + BackupArchive.BMAP_SUFFIX))) {
                    warnings.add("image " + image.getString("filename") + " has a block map registered but not in "
                            + layout.images() + " (boards write the whole image until it is sent again)");
                }
            }
            return new Result(manifest, Files.isDirectory(aside) ? aside : null, notes, warnings);
        } finally {
            deleteTree(staging);
        }
    }

    /** Every entry into the staging folder, checked against the manifest; the manifest. */
    private JsonObject unpack(Path archive, Path staging) throws Refused, IOException {
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            ZipEntry manifestEntry = zip.getEntry(BackupArchive.MANIFEST);
            if (manifestEntry == null) {
                throw new Refused(archive + " has no " + BackupArchive.MANIFEST + ": not an rpi-deploy backup");
            }
            JsonObject manifest;
            try (InputStream in = zip.getInputStream(manifestEntry)) {
                manifest = BackupArchive.readManifest(in);
            } catch (IllegalArgumentException e) {
                throw new Refused(archive + ": " + e.getMessage());
            }
            Map<String, JsonObject> listed = new HashMap<>();
            for (JsonObject file : manifest.getJsonArray("files").getValuesAs(JsonObject.class)) {
                String name = file.getString("path", "");
                if (!BackupArchive.safeName(name)) {
                    throw new Refused(archive + ": the manifest names an unsafe path: " + name);
                }
                listed.put(name, file);
            }
            if (!listed.containsKey(BackupArchive.DATABASE)) {
                throw new Refused(archive + ": the manifest lists no database");
            }
            Set<String> seen = new HashSet<>();
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName();
                if (name.equals(BackupArchive.MANIFEST) || entry.isDirectory()) {
                    continue;
                }
                JsonObject expected = listed.get(name);
                if (expected == null || !seen.add(name)) {
                    throw new Refused(archive + ": " + name + " is not (or twice) in the manifest");
                }
                Path target = BackupArchive.below(staging, name);
                Files.createDirectories(target.getParent());
                MessageDigest digest = BackupArchive.sha256();
                long size;
                try (InputStream in = zip.getInputStream(entry);
                     OutputStream out = Files.newOutputStream(target)) {
                    size = BackupArchive.copy(in, out, digest);
                } catch (ZipException damaged) {
                    throw new Refused(archive + ": " + name + " cannot be read: " + damaged.getMessage());
                }
                String sha = BackupArchive.hex(digest);
                if (size != expected.getJsonNumber("size").longValue()
                        || !sha.equals(expected.getString("sha256"))) {
                    throw new Refused(archive + ": " + name + " does not match the manifest (size " + size
                            + ", sha256 " + sha + "): the archive is damaged");
                }
            }
            Set<String> missing = new HashSet<>(listed.keySet());
            missing.removeAll(seen);
            if (!missing.isEmpty()) {
                throw new Refused(archive + ": the manifest lists files the archive lacks: " + missing);
            }
            for (JsonObject image : list(manifest, "images")) {
                String path = image.getString("path", null);
                String recorded = BackupArchive.bareHex(image.getString("checksum", null));
                if (path != null && recorded != null && !recorded.equals(listed.get(path).getString("sha256"))) {
                    throw new Refused(archive + ": " + path + " does not match the checksum its registry recorded");
                }
                String bmapPath = image.getString("bmap_path", null);
                if (bmapPath != null && (!listed.containsKey(bmapPath) || !bmapPath.equals(path
                        + BackupArchive.BMAP_SUFFIX) || !listed.get(bmapPath).getString("sha256")
                        .equals(image.getString("bmap_checksum", "")))) {
                    throw new Refused(archive + ": " + bmapPath + " is not the block map its registry recorded");
                }
            }
            return manifest;
        } catch (ZipException notZip) {
            throw new Refused(archive + " is not a readable zip archive: " + notZip.getMessage());
        }
    }

    private static void checkDatabase(Path database) throws Refused, SQLException {
        try (Database db = Database.open(database, 5000)) {
            String check = db.integrityCheck();
            if (!"ok".equals(check)) {
                throw new Refused("the database in the archive fails SQLite's integrity check: " + check);
            }
            if (!db.hasTable("user_account")) {
                throw new Refused("the database in the archive is not rpi-deploy's (no user_account table)");
            }
        } catch (SQLException e) {
            throw new Refused("the database in the archive cannot be read: " + e.getMessage());
        }
    }

    /** The renames, in order; on a failure the ones done are undone in reverse. */
    private void install(JsonObject manifest, Path staging, Path aside, List<String> notes) throws IOException {
        List<Path[]> moves = new ArrayList<>(); // {from, to}, for the undo
        try {
            Path db = layout.database();
            for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
                // a -wal left beside the restored file would be replayed into it: every one goes aside
                Path old = db.resolveSibling(db.getFileName() + suffix);
                if (Files.exists(old)) {
                    move(old, aside.resolve(old.getFileName()), moves);
                }
            }
            move(staging.resolve(BackupArchive.DATABASE), db, moves);
            notes.add("database -> " + db);
            for (JsonObject folder : list(manifest, "folders")) {
                String name = folder.getString("name");
                Path target = layout.folders().get(name);
                if (target == null) {
                    notes.add(name + "/ from the archive not restored: no such folder is configured here");
                    continue;
                }
                Path staged = staging.resolve(name);
                Files.createDirectories(staged); // an empty folder in the archive is restored empty
                if (Files.exists(target)) {
                    move(target, aside.resolve(name), moves);
                }
                Files.createDirectories(target.getParent());
                move(staged, target, moves);
                notes.add(name + "/ -> " + target);
            }
            Path stagedImages = staging.resolve("images");
            if (Files.isDirectory(stagedImages)) {
                Files.createDirectories(layout.images());
                try (Stream<Path> files = Files.list(stagedImages)) {
                    for (Path image : files.sorted().toList()) {
                        Path target = layout.images().resolve(image.getFileName().toString());
                        if (Files.exists(target)) {
                            move(target, aside.resolve("images").resolve(target.getFileName()), moves);
                        }
                        move(image, target, moves);
                    }
                }
                notes.add("images -> " + layout.images());
                keepHashedTimes(db, stagedNames(manifest), notes);
            }
        } catch (IOException | RuntimeException e) {
            for (int i = moves.size() - 1; i >= 0; i--) {
                try {
                    Files.move(moves.get(i)[1], moves.get(i)[0], StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException undo) {
                    e.addSuppressed(undo);
                }
            }
            throw e;
        }
        ownLikeHome(moves, notes);
    }

    /**
     * The server serves an image only while its file's modification time is the one recorded when it was hashed.
     * The files restored here were just checked against their SHA-256, so they get that time back: without it every
     * restored image would wait for a new hash before a board could have it.
     */
    private void keepHashedTimes(Path database, List<String> restored, List<String> notes) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database);
             Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT filename, file_modified_at FROM master_image"
                     + " WHERE deleted_at IS NULL AND file_modified_at IS NOT NULL")) {
            int kept = 0;
            while (rows.next()) {
                String name = rows.getString(1);
                if (restored.contains(name)) {
                    Files.setLastModifiedTime(layout.images().resolve(name),
                            FileTime.from(Instant.parse(rows.getString(2))));
                    kept++;
                }
            }
            notes.add(kept + " image files keep the time they were hashed at");
        } catch (SQLException | IOException | RuntimeException olderSchema) {
            // a database from before images recorded it: the server hashes them again when asked (Verify)
            notes.add("image modification times not restored (" + olderSchema.getMessage() + "): verify the images");
        }
    }

    private static List<String> stagedNames(JsonObject manifest) {
        return list(manifest, "images").stream().map(i -> i.getString("filename")).toList();
    }

    private static List<JsonObject> list(JsonObject manifest, String name) {
        return manifest.containsKey(name) ? manifest.getJsonArray(name).getValuesAs(JsonObject.class) : List.of();
    }

    private static void move(Path from, Path to, List<Path[]> moves) throws IOException {
        Files.createDirectories(to.getParent());
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        moves.add(new Path[] {from, to});
    }

    /**
     * Run as root (e.g. with sudo), the restored files would be root's and the service's user could not write its
     * database: they get the data directory's owner.
     */
    private void ownLikeHome(List<Path[]> moves, List<String> notes) throws IOException {
        UserPrincipal owner = Files.getOwner(layout.home());
        if (!"root".equals(System.getProperty("user.name")) || owner.equals(Files.getOwner(layout.database()))) {
            return;
        }
        for (Path[] move : moves) {
            if (move[1].startsWith(layout.home().resolve("pre-restore-")) || !Files.exists(move[1])) {
                continue;
            }
            try (Stream<Path> tree = Files.walk(move[1])) {
                for (Path p : tree.toList()) {
                    Files.setOwner(p, owner);
                }
            }
        }
        notes.add("restored files given to " + owner.getName() + ", the owner of " + layout.home());
    }

    /**
     * The settings file: written where the settings live when there is none; when there is one that differs, the
     * archive's is written beside it as {@code .restored} for the operator to compare (addresses and interfaces
     * may differ on a new host), never over it.
     */
    private void restoreSettings(Path staged, List<String> notes, List<String> warnings) {
        if (!Files.isRegularFile(staged)) {
            return;
        }
        Path target = layout.envFile();
        try {
            if (Files.isRegularFile(target) && Files.mismatch(staged, target) == -1) {
                notes.add("settings: " + target + " already holds the archive's settings");
                return;
            }
            Path destination = Files.exists(target) ? target.resolveSibling(target.getFileName() + ".restored")
                    : target;
            writePrivate(staged, destination);
            notes.add("settings -> " + destination + (destination.equals(target) ? ""
                    : " (compare with " + target + " and copy what applies)"));
        } catch (IOException e) {
            Path fallback = layout.home().resolve("restored-settings.env");
            try {
                writePrivate(staged, fallback);
                warnings.add("cannot write " + target + " (" + e.getMessage() + "): the archive's settings are in "
                        + fallback);
            } catch (IOException again) {
                warnings.add("the archive's settings were not restored: " + again.getMessage());
            }
        }
    }

    private static void writePrivate(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Path temp = to.resolveSibling("." + to.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(temp)) { // into the private file: a copy would replace it
            Files.copy(from, out);
        }
        Files.move(temp, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
