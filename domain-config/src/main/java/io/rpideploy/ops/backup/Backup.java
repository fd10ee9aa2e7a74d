package io.rpideploy.ops.backup;

import io.rpideploy.ops.database.Database;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonWriter;
import jakarta.json.stream.JsonGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes one backup archive ({@link BackupArchive}) of a data directory, while the server runs: the database through
 * SQLite's backup API into a temporary file first (checked with integrity_check), then everything into a hidden
 * {@code .part} file that becomes the archive by rename only when complete, readable by its owner only (the
 * settings may hold passwords).
 */
public final class Backup {

    /** Tables whose row counts the manifest records, so a restore can say what it brought back. */
    static final List<String> COUNTED = List.of("venue", "hostname_slot", "deployment", "user_account",
            "master_image", "audit_event");

    public record Result(Path archive, long bytes, JsonObject manifest, List<String> warnings) {
    }

    private final DataLayout layout;
    private final Clock clock;
    private final int busyTimeoutMillis;

    public Backup(DataLayout layout, Clock clock, int busyTimeoutMillis) {
        this.layout = layout;
        this.clock = clock;
        this.busyTimeoutMillis = busyTimeoutMillis;
    }

    public Result write(Path outputDir, boolean withImages) throws IOException, SQLException {
        Files.createDirectories(outputDir);
        String name = DateTimeFormatter.ofPattern(BackupArchive.NAME_FORMAT).withZone(ZoneOffset.UTC)
                .format(clock.instant());
        Path archive = outputDir.resolve(name);
        if (Files.exists(archive)) {
            throw new FileAlreadyExistsException(archive.toString());
        }
        Path part = outputDir.resolve("." + name + ".part");
        Path copy = outputDir.resolve("." + name + ".db");
        List<String> warnings = new ArrayList<>();
        try {
            JsonArrayBuilder images = copyDatabase(copy);
            JsonArrayBuilder files = Json.createArrayBuilder();
            JsonObjectBuilder manifest = Json.createObjectBuilder()
                    .add("format", BackupArchive.FORMAT)
                    .add("format_version", BackupArchive.FORMAT_VERSION)
                    .add("created_at", clock.instant().toString())
                    .add("host", hostName())
                    .add("source_home", layout.home().toString());
            try (Database db = Database.open(copy, busyTimeoutMillis)) {
                db.schemaVersion().ifPresent(v -> manifest.add("schema_version", v));
                JsonObjectBuilder counts = Json.createObjectBuilder();
                for (String table : COUNTED) {
                    if (db.hasTable(table)) {
                        counts.add(table, db.count(table));
                    }
                }
                manifest.add("counts", counts);
            }
            Files.deleteIfExists(copy.resolveSibling(copy.getFileName() + "-wal"));
            Files.deleteIfExists(copy.resolveSibling(copy.getFileName() + "-shm"));

            Files.createFile(part, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (OutputStream raw = Files.newOutputStream(part);
                 ZipOutputStream zip = new ZipOutputStream(new java.io.BufferedOutputStream(raw, 1 << 16))) {
                zip.setLevel(Deflater.DEFAULT_COMPRESSION);
                files.add(add(zip, BackupArchive.DATABASE, copy));
                if (Files.isRegularFile(layout.envFile())) {
                    if (Files.isReadable(layout.envFile())) {
                        files.add(add(zip, BackupArchive.SETTINGS, layout.envFile()));
                        manifest.add("settings_source", layout.envFile().toString());
                    } else {
                        warnings.add("cannot read the settings file " + layout.envFile() + ": not in the backup");
                    }
                }
                JsonArrayBuilder folders = Json.createArrayBuilder();
                for (Map.Entry<String, Path> folder : layout.folders().entrySet()) {
                    if (Files.isDirectory(folder.getValue())) {
                        folders.add(Json.createObjectBuilder().add("name", folder.getKey())
                                .add("source", folder.getValue().toString()));
                        addFolder(zip, folder.getKey(), folder.getValue(), files, warnings);
                    }
                }
                manifest.add("folders", folders);
                JsonArrayBuilder imageList = Json.createArrayBuilder();
                // images are compressed already (zst, xz, gz) or mostly holes: stored, not deflated again
                zip.setLevel(Deflater.NO_COMPRESSION);
                for (JsonObject image : images.build().getValuesAs(JsonObject.class)) {
                    imageList.add(withImages ? addImage(zip, image, files, warnings)
                            : Json.createObjectBuilder(image).add("included", false).build());
                }
                manifest.add("images", imageList);
                manifest.add("with_images", withImages);
                manifest.add("files", files);
                zip.setLevel(Deflater.DEFAULT_COMPRESSION);
                zip.putNextEntry(new ZipEntry(BackupArchive.MANIFEST));
                JsonObject built = manifest.build();
                JsonWriter writer = Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true))
                        .createWriter(new NonClosing(zip));
                writer.writeObject(built);
                writer.close();
                zip.closeEntry();
                zip.close();
                try (var channel = java.nio.channels.FileChannel.open(part, java.nio.file.StandardOpenOption.WRITE)) {
                    channel.force(true); // on disk before its name says it is complete
                }
                Files.move(part, archive, StandardCopyOption.ATOMIC_MOVE);
                return new Result(archive, Files.size(archive), built, warnings);
            }
        } finally {
            Files.deleteIfExists(part);
            Files.deleteIfExists(copy);
        }
    }

    /** The online copy, checked; and the image registry as the copy holds it (the same moment as the data). */
    private JsonArrayBuilder copyDatabase(Path copy) throws SQLException, IOException {
        try (Database live = Database.open(layout.database(), busyTimeoutMillis)) {
            live.backupTo(copy);
        }
        try (Database db = Database.open(copy, busyTimeoutMillis)) {
            String check = db.integrityCheck();
            if (!"ok".equals(check)) {
                throw new SQLException("the copy of the database fails SQLite's integrity check: " + check);
            }
            JsonArrayBuilder images = Json.createArrayBuilder();
            if (!db.hasTable("master_image")) {
                return images;
            }
            // block maps (V13) ride with their images; an older database has none
            boolean bmaps = db.hasColumn("master_image", "bmap_checksum");
            try (Statement statement = db.connection().createStatement();
                 ResultSet rows = statement.executeQuery("SELECT id, filename, product_type, version, format,"
                         + " size_bytes, checksum, uncompressed_checksum, is_active, deleted_at"
                         + (bmaps ? ", bmap_checksum" : "") + " FROM master_image ORDER BY id")) {
                while (rows.next()) {
                    JsonObjectBuilder image = Json.createObjectBuilder()
                            .add("id", rows.getLong("id"))
                            .add("filename", rows.getString("filename"))
                            .add("product_type", rows.getString("product_type"))
                            .add("version", rows.getString("version"))
                            .add("format", rows.getString("format"))
                            .add("active", rows.getInt("is_active") == 1)
                            .add("deleted", rows.getString("deleted_at") != null);
                    long size = rows.getLong("size_bytes");
                    if (!rows.wasNull()) {
                        image.add("size_bytes", size);
                    }
                    addIfSet(image, "checksum", rows.getString("checksum"));
                    addIfSet(image, "uncompressed_checksum", rows.getString("uncompressed_checksum"));
                    if (bmaps) {
                        addIfSet(image, "bmap_checksum", rows.getString("bmap_checksum"));
                    }
                    images.add(image);
                }
            }
            return images;
        }
    }

    private static void addIfSet(JsonObjectBuilder object, String name, String value) {
        if (value != null) {
            object.add(name, value);
        }
    }

    /** An image file into the archive, its SHA-256 compared with the one the registry recorded. */
    private JsonObject addImage(ZipOutputStream zip, JsonObject image, JsonArrayBuilder files, List<String> warnings)
            throws IOException {
        JsonObjectBuilder entry = Json.createObjectBuilder(image);
        String filename = image.getString("filename");
        Path file = layout.images().resolve(filename).normalize();
        if (image.getBoolean("deleted") || !BackupArchive.safeName(filename) || filename.contains("/")
                || !file.startsWith(layout.images())) {
            return entry.add("included", false).build();
        }
        if (!Files.isRegularFile(file)) {
            warnings.add("image " + filename + " is registered but its file is missing: " + file);
            return entry.add("included", false).build();
        }
        JsonObject added = add(zip, BackupArchive.IMAGES + filename, file);
        files.add(added);
        String recorded = BackupArchive.bareHex(image.getString("checksum", null));
        if (recorded != null && !recorded.equals(added.getString("sha256"))) {
            warnings.add("image " + filename + " does not match its recorded checksum (file changed or damaged)");
        }
        entry.add("included", true).add("path", BackupArchive.IMAGES + filename);
        String bmapSum = image.getString("bmap_checksum", null);
        if (bmapSum != null) {
            // the block map beside it, so a restored image is served with its map (the server checks its SHA-256)
            Path bmap = layout.images().resolve(filename + BackupArchive.BMAP_SUFFIX);
            if (Files.isRegularFile(bmap, LinkOption.NOFOLLOW_LINKS)) {
                if (!bmapSum.equals(sha256(bmap))) {
                    // left out: a restore refuses a map that is not the one recorded, and the server does not serve it
                    warnings.add("the block map of " + filename + " does not match its recorded checksum: not in the"
                            + " backup (the server does not serve it; send it again)");
                } else {
                    JsonObject map = add(zip, BackupArchive.IMAGES + filename + BackupArchive.BMAP_SUFFIX, bmap);
                    files.add(map);
                    entry.add("bmap_path", map.getString("path"));
                }
            } else {
                warnings.add("image " + filename + " has a block map registered but its file is missing: " + bmap);
            }
        }
        return entry.build();
    }

    /** Every regular file below a folder; links are not followed (a link could lead anywhere). */
    private static void addFolder(ZipOutputStream zip, String name, Path root, JsonArrayBuilder files,
                                  List<String> warnings) throws IOException {
        List<Path> all;
        try (Stream<Path> walk = Files.walk(root)) {
            all = walk.filter(p -> !p.equals(root)).sorted(Comparator.naturalOrder()).toList();
        }
        for (Path p : all) {
            String relative = root.relativize(p).toString().replace('\\', '/');
            if (name.equals("tls") && relative.equals("jvm.options")) {
                continue; // rewritten at every start from the keystore and its password
            }
            if (Files.isSymbolicLink(p)) {
                warnings.add("skipped the link " + p + " (links are not backed up)");
            } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                files.add(add(zip, name + "/" + relative, p));
            }
        }
    }

    /** One file as one entry; its manifest line (path, size, SHA-256 of the bytes written). */
    private static JsonObject add(ZipOutputStream zip, String entryName, Path file) throws IOException {
        ZipEntry entry = new ZipEntry(entryName);
        entry.setLastModifiedTime(Files.getLastModifiedTime(file));
        zip.putNextEntry(entry);
        MessageDigest digest = BackupArchive.sha256();
        long size;
        try (InputStream in = Files.newInputStream(file)) {
            size = BackupArchive.copy(in, zip, digest);
        }
        zip.closeEntry();
        return Json.createObjectBuilder().add("path", entryName).add("size", size)
                .add("sha256", BackupArchive.hex(digest)).build();
    }

    /** Deletes the oldest archives of the folder so that {@code keep} remain; the names deleted. */
    public static List<Path> prune(Path outputDir, int keep) throws IOException {
        if (keep < 1) {
            throw new IllegalArgumentException("--keep must be 1 or more");
        }
        List<Path> archives;
        try (Stream<Path> list = Files.list(outputDir)) {
            archives = list.filter(p -> BackupArchive.NAME.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed()).toList();
        }
        List<Path> deleted = new ArrayList<>();
        for (Path old : archives.subList(Math.min(keep, archives.size()), archives.size())) {
            Files.deleteIfExists(old);
            deleted.add(old);
        }
        return deleted;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The JSON writer closes its stream; the zip must stay open for its central directory. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    /** A block map's SHA-256 (hex), read before it is archived: it is small. */
    private static String sha256(Path file) throws IOException {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
