package io.rpideploy.netboot.tftp;

import io.rpideploy.netboot.api.BootRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The operator's boot file tree: a Pi 5 asks {@code <serial>/<file>} (pi5-netboot.md section 5), looked up in
 * {@code root/<serial>/<file>} first, then in the shared {@code root/<file>}; any other name in {@code root/<name>}.
 * A file found here is served as it is: it wins over anything the application would generate. Names were checked by
 * the engine ({@link RequestNames#unsafe}); a link resolving outside the tree is refused.
 */
final class BootTree {

    private final Path root;
    private volatile Path realRoot;

    BootTree(Path root) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    /** The file for a request: per-board first, then shared; {@link RequestNames.Absent} when neither holds it. */
    RequestNames.Lookup find(BootRequest request) {
        Path real = realRoot();
        if (real == null) {
            return new RequestNames.Absent(); // no tree (yet), so no file in it
        }
        if (request.board() != null) {
            RequestNames.Lookup own = at(real, request.requested());
            if (!(own instanceof RequestNames.Absent)) {
                return own;
            }
        }
        return at(real, request.name());
    }

    private static RequestNames.Lookup at(Path realRoot, String name) {
        Path file = realRoot.resolve(name).normalize();
        if (!file.startsWith(realRoot)) {
            return new RequestNames.Outside();
        }
        return RequestNames.lookup(file, realRoot);
    }

    /** The tree's real path, resolved once it exists (one path walk less per request). */
    Path realRoot() {
        Path real = realRoot;
        if (real == null) {
            try {
                real = root.toRealPath();
                realRoot = real;
            } catch (IOException missing) {
                return null;
            }
        }
        return real;
    }
}
