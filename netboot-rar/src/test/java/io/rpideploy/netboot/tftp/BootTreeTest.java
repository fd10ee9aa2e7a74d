package io.rpideploy.netboot.tftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rpideploy.netboot.api.BootRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootTreeTest {

    private static final InetSocketAddress PI = new InetSocketAddress("10.77.0.2", 49152);

    @TempDir
    Path dir;
    private Path root;
    private BootTree tree;

    @BeforeEach
    void tree() throws IOException {
        root = Files.createDirectories(dir.resolve("root"));
        Files.writeString(root.resolve("start4.elf"), "shared elf");
        Files.writeString(root.resolve("config.txt"), "shared config");
        Files.writeString(root.resolve("cmdline.txt"), "shared cmdline");
        Files.createDirectories(root.resolve("d905d499"));
        Files.writeString(root.resolve("d905d499/config.txt"), "board config");
        Files.writeString(root.resolve("d905d499/cmdline.txt"), "board cmdline");
        Files.createDirectories(root.resolve("overlays"));
        Files.writeString(root.resolve("overlays/overlay_map.dtb"), "map");
        Files.writeString(dir.resolve("secret"), "outside");
        tree = new BootTree(root);
    }

    /** As the engine asks: the name checked once, then looked up. */
    private RequestNames.Lookup find(String name) {
        return RequestNames.unsafe(name) != null ? new RequestNames.Outside() : tree.find(BootRequest.parse(PI, name));
    }

    private String served(String name) throws IOException {
        RequestNames.Lookup answer = find(name);
        return Files.readString(assertInstanceOf(RequestNames.Confined.class, answer, name + " -> " + answer).real());
    }

    /** The TFTP error the engine answers: 1 not found, 2 access violation. */
    private int refused(String name) {
        RequestNames.Lookup answer = find(name);
        assertFalse(answer instanceof RequestNames.Confined, name + " was served");
        return answer instanceof RequestNames.Outside ? 2 : 1;
    }

    @Test
    void serialPathsLookInTheBoardFolderThenShared() throws IOException {
        assertEquals("board cmdline", served("d905d499/cmdline.txt"));
        assertEquals("board config", served("d905d499/config.txt"));
        assertEquals("shared elf", served("d905d499/start4.elf"));
        assertEquals("map", served("d905d499/overlays/overlay_map.dtb"));
        assertEquals("shared cmdline", served("cmdline.txt"));
        assertEquals("map", served("overlays/overlay_map.dtb"));
    }

    @Test
    void nonSerialPrefixIsNotStripped() {
        // upper-case hex, 7 or 9 digits: not a Pi serial, so no fallback to the shared file
        for (String name : List.of("D905D499/start4.elf", "d905d49/start4.elf", "d905d4990/start4.elf")) {
            assertEquals(1, refused(name), name);
        }
    }

    @Test
    void aMissingTreeHoldsNothing() {
        tree = new BootTree(dir.resolve("not-yet"));
        assertEquals(1, refused("config.txt"));
    }

    @Test
    void missingFileAndDirectoryAreNotFound() {
        assertEquals(1, refused("nope.txt"));
        assertEquals(1, refused("d905d499/nope.txt"));
        assertEquals(1, refused("overlays"));
        assertEquals(1, refused("d905d499"));
    }

    @Test
    void escapingNamesAreAccessViolations() {
        for (String name : List.of("../secret", "d905d499/../../secret", "..", "/etc/passwd", "overlays\\..\\x",
                "config.txt\0.bin", "a/../../secret", "d905d499/..", "bad\nname", ".git/config",
                "d905d499/.config.txt.swp", "overlays/.hidden")) {
            assertEquals(2, refused(name), name);
        }
    }

    @Test
    void symlinkOutOfTheTreeIsRefusedAndInsideIsServed() throws IOException {
        Files.createSymbolicLink(root.resolve("escape"), dir.resolve("secret"));
        Files.createSymbolicLink(root.resolve("etc"), Path.of("/etc"));
        Files.createSymbolicLink(root.resolve("kernel.img"), root.resolve("start4.elf"));
        Files.createSymbolicLink(root.resolve("d905d499/start4.elf"), Path.of("../start4.elf"));
        assertEquals(2, refused("escape"));
        assertEquals(2, refused("etc/passwd"));
        assertEquals("shared elf", served("kernel.img"));
        assertEquals("shared elf", served("d905d499/start4.elf"));
    }

    @Test
    void aBoardFileLinkingOutIsRefusedNotReplacedByTheSharedOne() throws IOException {
        Files.delete(root.resolve("d905d499/config.txt"));
        Files.createSymbolicLink(root.resolve("d905d499/config.txt"), dir.resolve("secret"));
        assertEquals(2, refused("d905d499/config.txt"));
    }

    @Test
    void danglingLinkIsNotFound() throws IOException {
        Files.createSymbolicLink(root.resolve("gone"), root.resolve("missing"));
        assertEquals(1, refused("gone"));
    }

    @Test
    void aLinkToADirectoryIsNotFoundAndANonRegularFileIsRefused() throws Exception {
        Files.createSymbolicLink(root.resolve("outdir"), dir);
        assertEquals(1, refused("outdir"), "a directory, wherever it is, is no file");
        Process mkfifo = new ProcessBuilder("mkfifo", root.resolve("pipe").toString()).start();
        assumeTrue(mkfifo.waitFor() == 0, "mkfifo available");
        assertEquals(2, refused("pipe"), "a FIFO is not a regular file");
    }
}
