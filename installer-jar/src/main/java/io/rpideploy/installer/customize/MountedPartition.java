package io.rpideploy.installer.customize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A partition mounted read-write with {@code mount -o loop,offset=..,sizelimit=..} (the loop device is created by
 * mount and auto-cleared at umount). Mount points still mounted at JVM exit are unmounted by {@link #unmountAll}.
 */
final class MountedPartition implements PartitionFiles {

    private static final Set<Path> ACTIVE = ConcurrentHashMap.newKeySet();
    private final Path dir;
    private final boolean posix;

    private MountedPartition(Path dir, boolean posix) {
        this.dir = dir;
        this.posix = posix;
    }

    static MountedPartition mount(Path device, long offset, long size, String type) throws IOException {
        Path dir = Files.createTempDirectory("rpideploy-" + type + "-");
        try {
            Command.check(List.of("mount", "-t", type, "-o", "loop,offset=" + offset + ",sizelimit=" + size,
                    device.toString(), dir.toString()), Map.of());
        } catch (IOException e) {
            Files.deleteIfExists(dir);
            throw e;
        }
        ACTIVE.add(dir);
        return new MountedPartition(dir, !type.equals("vfat"));
    }

    @Override
    public byte[] read(String path) throws IOException {
        Path p = resolve(path);
        return Files.isRegularFile(p) ? Files.readAllBytes(p) : null;
    }

    @Override
    public void write(String path, byte[] content, int mode) throws IOException {
        Path p = resolve(path);
        Files.createDirectories(p.getParent());
        Files.write(p, content);
        if (posix) {
            Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
            PosixFilePermission[] order = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE
            for (int bit = 0; bit < 9; bit++) {
                if ((mode & (0400 >> bit)) != 0) {
                    perms.add(order[bit]);
                }
            }
            Files.setPosixFilePermissions(p, perms);
            Files.setAttribute(p, "unix:uid", 0);
            Files.setAttribute(p, "unix:gid", 0);
        }
    }

    private Path resolve(String path) throws IOException {
        Path p = dir.resolve(path.replaceFirst("^/+", "")).normalize();
        if (!p.startsWith(dir)) {
            throw new IOException("path escapes the partition: " + path);
        }
        return p;
    }

    @Override
    public void close() throws IOException {
        Command.run(List.of("sync", "-f", dir.toString()), Map.of());
        Command.check(List.of("umount", dir.toString()), Map.of());
        ACTIVE.remove(dir);
        Files.deleteIfExists(dir);
    }

    /** Shutdown-hook cleanup: lazily unmounts whatever is still mounted. */
    static void unmountAll() {
        for (Path dir : ACTIVE) {
            try {
                Command.run(List.of("umount", "-l", dir.toString()), Map.of());
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                // nothing more to do at exit
            }
        }
    }
}
