package io.rpideploy.ops.doctor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * "image KXP2", "image RXP2": each product has an active image whose file is in the store with the size recorded at
 * registration; with {@code --deep} also its SHA-256 (images are gigabytes: a full read takes minutes).
 */
public final class ImageChecks {

    /** The products of the schema's CHECK constraint (V1__baseline.sql). */
    static final List<String> PRODUCTS = List.of("KXP2", "RXP2");

    private record Active(String filename, Long size, String checksum) {
    }

    private ImageChecks() {
    }

    public static List<Finding> check(Path database, Path images, boolean deep) {
        Map<String, Active> active = new LinkedHashMap<>();
        try (Connection connection = DatabaseChecks.open(database);
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT product_type, filename, size_bytes, checksum "
                     + "FROM master_image WHERE is_active = 1 AND deleted_at IS NULL")) {
            while (result.next()) {
                long size = result.getLong(3);
                active.put(result.getString(1), new Active(result.getString(2), result.wasNull() ? null : size,
                        result.getString(4)));
            }
        } catch (SQLException e) {
            return PRODUCTS.stream().map(p -> Finding.notChecked("image " + p, "the database cannot be read"))
                    .toList();
        }
        List<Finding> findings = new ArrayList<>();
        for (String product : PRODUCTS) {
            Active image = active.get(product);
            String check = "image " + product;
            if (image == null) {
                findings.add(Finding.warn(check, "no active image: " + product + " boards get 404 from /api/config",
                        "upload or import one and activate it (console: Master images)"));
                continue;
            }
            findings.add(file(check, images.resolve(image.filename()), image, deep));
        }
        return findings;
    }

    private static Finding file(String check, Path file, Active image, boolean deep) {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Finding.fail(check, "the active image's file is missing: " + file,
                    "put the file back (restore it), or activate another image");
        }
        try {
            long size = Files.size(file);
            if (image.size() != null && size != image.size()) {
                return Finding.fail(check, file.getFileName() + " is " + size + " bytes, registered as "
                        + image.size(), "the file was changed or cut: restore it, or upload it again");
            }
            if (!deep) {
                return Finding.ok(check, file.getFileName() + ", " + size + " bytes as registered (checksum read "
                        + "with --deep)");
            }
            String sha = sha256(file);
            if (image.checksum() != null && !image.checksum().equalsIgnoreCase(sha)) {
                return Finding.fail(check, file.getFileName() + ": SHA-256 " + sha + ", registered "
                        + image.checksum(), "the file is damaged: restore it, or upload it again");
            }
            return Finding.ok(check, file.getFileName() + ", " + size + " bytes, SHA-256 as registered");
        } catch (IOException e) {
            return Finding.fail(check, "cannot read " + file + ": " + e.getMessage(),
                    "the service's user must be able to read the image store");
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                sha.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
