package io.rpideploy.netboot.tftp;

import io.rpideploy.netboot.policy.BootFileSource;
import java.net.InetSocketAddress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A boot file tree: {@code root/<name>}. A Pi 5 asks {@code <serial>/<file>} (pi5-netboot.md section 5); that is
 * looked up in {@code overridesRoot/<serial>/<file>}, then {@code root/<serial>/<file>}, then the shared
 * {@code root/<file>}. Names with {@code ..}, absolute names, backslashes, NUL, and links resolving outside the tree
 * they were found in are refused with an access violation (code 2); a missing file is code 1.
 */
public final class BootTree implements BootFileSource {

    private final Path root;
    private final Path overridesRoot;
    private final Map<Path, Path> realBases = new ConcurrentHashMap<>();

    /** @param overridesRoot per-board files that win over the tree's; null for none */
    public BootTree(Path root, Path overridesRoot) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        this.overridesRoot = overridesRoot == null ? null : overridesRoot.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    public Optional<Path> overridesRoot() {
        return Optional.ofNullable(overridesRoot);
    }

    @Override
    public BootFile open(InetSocketAddress client, String filename) {
        String unsafe = RequestNames.unsafe(filename);
        if (unsafe != null) {
            return new Refused(TftpError.ACCESS_VIOLATION.code(), "access violation: " + unsafe);
        }
        for (Candidate candidate : candidates(filename)) {
            Path file = candidate.base().resolve(candidate.name()).normalize();
            if (!file.startsWith(candidate.base())) {
                return new Refused(TftpError.ACCESS_VIOLATION.code(), "access violation");
            }
            Path realBase = realBase(candidate.base());
            if (realBase == null) {
                continue; // no tree (yet), so no file in it
            }
            // the same name under the tree's real path: a file directly in the tree then costs one lstat
            RequestNames.Lookup found = RequestNames.lookup(realBase.resolve(candidate.base().relativize(file)),
                    realBase);
            if (found instanceof RequestNames.Outside) {
                return new Refused(TftpError.ACCESS_VIOLATION.code(), "access violation: outside the boot tree");
            }
            if (found instanceof RequestNames.Confined confined) {
                // the real path: the engine opens exactly what was checked, without following a link again
                return new OnDisk(confined.real());
            }
            // missing, a dangling link or a directory is not a file here: try the next place
        }
        return new Refused(TftpError.FILE_NOT_FOUND.code(), "file not found");
    }

    private record Candidate(Path base, String name) {
    }

    /** A tree's real path, resolved once it exists (one path walk less per request). */
    private Path realBase(Path base) {
        Path real = realBases.get(base);
        if (real == null) {
            try {
                real = base.toRealPath();
                realBases.put(base, real);
            } catch (IOException missing) {
                return null;
            }
        }
        return real;
    }

    /** The lookup order for a name: per-board override, per-board file, shared file. */
    private List<Candidate> candidates(String filename) {
        List<Candidate> order = new ArrayList<>(3);
        int slash = filename.indexOf('/');
        if (slash > 0 && slash < filename.length() - 1
                && RequestNames.SERIAL.matcher(filename.substring(0, slash)).matches()) {
            if (overridesRoot != null) {
                order.add(new Candidate(overridesRoot, filename));
            }
            order.add(new Candidate(root, filename));
            order.add(new Candidate(root, filename.substring(slash + 1)));
        } else {
            order.add(new Candidate(root, filename));
        }
        return order;
    }
}
