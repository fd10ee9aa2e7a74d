package io.rpideploy.netboot.tftp;

import io.rpideploy.netboot.policy.BootFileSource;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
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
            // missing, a dangling link or a directory is not a file here (try the next place); anything else must be
            // a regular file whose real path lies under the tree's. A file directly in the tree and no link itself
            // costs one lstat (its real path is the tree's plus its name), anything else one realpath and one lstat.
            Path realBase = realBase(candidate.base());
            if (realBase == null) {
                continue; // no tree (yet), so no file in it
            }
            Path real;
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (!attributes.isSymbolicLink() && candidate.base().equals(file.getParent())) {
                    real = realBase.resolve(file.getFileName());
                } else {
                    real = file.toRealPath();
                    attributes = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                }
            } catch (IOException missing) {
                continue;
            }
            if (attributes.isDirectory()) {
                continue;
            }
            if (!real.startsWith(realBase) || !attributes.isRegularFile()) {
                return new Refused(TftpError.ACCESS_VIOLATION.code(), "access violation: outside the boot tree");
            }
            // the real path: the engine opens exactly what was checked, without following a link again
            return new OnDisk(real);
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
