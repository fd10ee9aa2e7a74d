package io.rpideploy.ops.backup;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The backup archive's layout, shared by backup and restore. A zip file (the JDK writes and reads it, with Zip64
 * for images over 4 GiB; each entry has its own CRC, and {@code unzip -l} lists it on any host):
 * <pre>
 * database/rpideploy.db      the online copy (SQLite backup API)
 * settings/rpi-deploy.env    the settings file, when there was one
 * boot/..., tls/...          the operator's folders (DataLayout)
 * images/NAME                image files, with --with-images only
 * images/NAME.bmap           their block maps, when registered with one
 * manifest.json              written last: every entry above with size and SHA-256, the images and their checksums
 * </pre>
 */
final class BackupArchive {

    static final String FORMAT = "rpi-deploy-backup";
    static final int FORMAT_VERSION = 1;
    static final String MANIFEST = "manifest.json";
    static final String DATABASE = "database/rpideploy.db";
    static final String SETTINGS = "settings/rpi-deploy.env";
    static final String IMAGES = "images/";
    /** An image's block map is stored beside it under its name with this suffix (as the server keeps it). */
    static final String BMAP_SUFFIX = ".bmap";
    /** rpi-deploy-backup-20261206-091600-123.zip: names sort by time, so retention keeps the last ones by name. */
    static final Pattern NAME = Pattern.compile("rpi-deploy-backup-\\d{8}-\\d{6}-\\d{3}\\.zip");
    static final String NAME_FORMAT = "'rpi-deploy-backup-'uuuuMMdd-HHmmss-SSS'.zip'";

    private BackupArchive() {
    }

    /**
     * Whether an entry name is one this archive may hold: relative, '/'-separated, no '.' or '..' steps, no
     * backslashes (a crafted archive must not write outside the folders it restores).
     */
    static boolean safeName(String name) {
        if (name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.contains("\0")
                || name.endsWith("/")) {
            return false;
        }
        for (String step : name.split("/", -1)) {
            if (step.isEmpty() || step.equals(".") || step.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** An entry name as a path below {@code root}; the name must be safe. */
    static Path below(Path root, String relative) {
        Path target = root.resolve(relative).normalize();
        if (!target.startsWith(root)) {
            throw new IllegalArgumentException("archive entry outside its folder: " + relative);
        }
        return target;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Copies and hashes; the size copied. */
    static long copy(InputStream in, OutputStream out, MessageDigest digest) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
            digest.update(buffer, 0, n);
            out.write(buffer, 0, n);
            total += n;
        }
        return total;
    }

    /** A recorded image checksum as bare lower-case hex (the registry stores hex; tolerate a "sha256:" prefix). */
    static String bareHex(String checksum) {
        if (checksum == null) {
            return null;
        }
        String c = checksum.strip().toLowerCase(java.util.Locale.ROOT);
        return c.startsWith("sha256:") ? c.substring(7) : c;
    }

    static JsonObject readManifest(InputStream in) {
        try (JsonReader reader = Json.createReader(in)) {
            JsonObject manifest = reader.readObject();
            if (!FORMAT.equals(manifest.getString("format", null))) {
                throw new IllegalArgumentException("not an rpi-deploy backup (manifest format is not " + FORMAT + ")");
            }
            if (manifest.getInt("format_version", -1) != FORMAT_VERSION) {
                throw new IllegalArgumentException("backup format version " + manifest.get("format_version")
                        + " is not supported here (this version reads " + FORMAT_VERSION + ")");
            }
            if (manifest.get("files") == null || manifest.get("files").getValueType() != JsonValue.ValueType.ARRAY) {
                throw new IllegalArgumentException("the manifest lists no files");
            }
            return manifest;
        } catch (jakarta.json.JsonException | ClassCastException e) {
            throw new IllegalArgumentException("the manifest is not valid JSON: " + e.getMessage());
        }
    }
}
