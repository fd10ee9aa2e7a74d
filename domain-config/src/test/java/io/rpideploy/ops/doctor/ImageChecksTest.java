package io.rpideploy.ops.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageChecksTest {

    @TempDir
    Path dir;

    private Path register(Path db, String product, String filename, byte[] content, boolean active) throws Exception {
        Path images = Files.createDirectories(dir.resolve("images"));
        Path file = Files.write(images.resolve(filename), content);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             PreparedStatement s = c.prepareStatement("INSERT INTO master_image (filename, product_type, size_bytes, "
                     + "checksum, is_active) VALUES (?, ?, ?, ?, ?)")) {
            s.setString(1, filename);
            s.setString(2, product);
            s.setLong(3, content.length);
            s.setString(4, ImageChecks.sha256(file));
            s.setInt(5, active ? 1 : 0);
            s.executeUpdate();
        }
        return file;
    }

    @Test
    void eachProductNeedsAnActiveImageWhoseFileMatches() throws Exception {
        Path db = DatabaseChecksTest.database(dir, "1");
        Path kxp2 = register(db, "KXP2", "KXP2_v1_a.img", "kxp2 image".getBytes(), true);
        register(db, "RXP2", "RXP2_v1_old.img", "inactive".getBytes(), false);
        Path images = dir.resolve("images");

        List<Finding> findings = ImageChecks.check(db, images, false);
        assertEquals(Status.OK, findings.get(0).status(), findings.get(0).message());
        assertEquals("image RXP2", findings.get(1).check());
        assertEquals(Status.WARN, findings.get(1).status(), "an inactive image does not count");

        // same size, other bytes: only --deep sees it
        Files.write(kxp2, "KXP2 IMAGE".getBytes());
        assertEquals(Status.OK, ImageChecks.check(db, images, false).get(0).status());
        Finding deep = ImageChecks.check(db, images, true).get(0);
        assertEquals(Status.FAIL, deep.status());
        assertTrue(deep.message().contains("SHA-256"), deep.message());

        Files.write(kxp2, "cut".getBytes());
        assertEquals(Status.FAIL, ImageChecks.check(db, images, false).get(0).status(), "size differs");
        Files.delete(kxp2);
        Finding missing = ImageChecks.check(db, images, false).get(0);
        assertEquals(Status.FAIL, missing.status());
        assertTrue(missing.message().contains("missing"), missing.message());
    }
}
