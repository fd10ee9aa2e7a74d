package io.rpideploy.images.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorePathsTest {

    @TempDir
    Path tmp;

    @Test
    void plainNamesResolveDirectlyUnderTheRoot() {
        Path root = tmp.resolve("images");
        assertEquals(Optional.of(root.resolve("kxp2_v1_m.img")), StorePaths.file(root, "kxp2_v1_m.img"));
        assertEquals(Optional.of(root.resolve("a b.img")), StorePaths.file(root, "a%20b.img"));
    }

    @Test
    void traversalAndOddNamesResolveToNothing() {
        Path root = tmp.resolve("images");
        String[] attacks = {"", "..", ".", "../x", "..%2f..%2fetc%2fpasswd", "%2e%2e", "%2E%2E/x", "%2e%2e%2fx",
            "..\\x", "..%5cx", "x%00.img", "x\u0000.img", "/etc/passwd", "%2fetc%2fpasswd", ".incoming",
            "%2eincoming", "a/b", "%", "%zz", "%c0%ae%c0%ae", "C:x", "caf\u00e9.img", "x%0a.img"};
        for (String attack : attacks) {
            assertEquals(Optional.empty(), StorePaths.file(root, attack), attack);
        }
    }

    @Test
    void bootPathsMayNestButStayConfined() {
        Path root = tmp.resolve("boot");
        assertEquals(Optional.of(root.resolve("1a2b3c4d").resolve("config.txt")),
                StorePaths.nested(root, "1a2b3c4d/config.txt"));
        for (String attack : new String[] {"../rpideploy.db", "1a2b/../../x", "1a2b/%2e%2e/%2e%2e/x", "a//b", "a/",
            "/abs", "a/.hidden", "a%2f..%2f..%2fx", "a/b\\..\\..\\x", "a/" .repeat(20) + "x"}) {
            assertEquals(Optional.empty(), StorePaths.nested(root, attack), attack);
        }
    }

    @Test
    void symbolicLinksOutOfTheRootAreRefused() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("images"));
        Path outside = Files.writeString(tmp.resolve("secret.txt"), "secret");
        Path link = Files.createSymbolicLink(root.resolve("link.img"), outside);
        Path inside = Files.writeString(root.resolve("real.img"), "data");
        assertFalse(StorePaths.staysInside(root, link));
        assertTrue(StorePaths.staysInside(root, inside));
        assertFalse(StorePaths.staysInside(root, root.resolve("missing.img")));
        assertFalse(StorePaths.plainFileIn(root, link));
    }
}
