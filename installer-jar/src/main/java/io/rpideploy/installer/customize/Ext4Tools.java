package io.rpideploy.installer.customize;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * An ext4 partition edited with {@code debugfs -w} at a byte offset of the target ({@code target?offset=N},
 * e2fsprogs' unix I/O option); for when mounting is impossible. Every write is read back to confirm it.
 */
final class Ext4Tools implements PartitionFiles {

    private final String spec;

    Ext4Tools(Path device, long offset) {
        this.spec = device + "?offset=" + offset;
    }

    @Override
    public byte[] read(String path) throws IOException {
        check(path);
        Command c = Command.run(List.of("debugfs", "-R", "cat " + path, spec), Map.of());
        if (c.exit() != 0 || c.stderr().contains("not found") || c.stderr().contains("File not found")) {
            if (c.stderr().contains("not found")) {
                return null;
            }
            throw new IOException("debugfs cat " + path + " failed: " + c.stderr().trim());
        }
        return c.stdout();
    }

    @Override
    public void write(String path, byte[] content, int mode) throws IOException {
        check(path);
        int slash = path.lastIndexOf('/');
        String dir = slash <= 0 ? "/" : path.substring(0, slash);
        String name = path.substring(slash + 1);
        Path tmp = Files.createTempFile("rpideploy-ext4-", ".tmp");
        Path script = Files.createTempFile("rpideploy-debugfs-", ".cmd");
        try {
            Files.write(tmp, content);
            String commands = String.join("\n",
                    "cd " + dir,
                    "rm " + name,
                    "write " + tmp + " " + name,
                    "sif " + name + " mode 0" + Integer.toOctalString(0100000 | (mode & 07777)),
                    "sif " + name + " uid 0",
                    "sif " + name + " gid 0", "");
            Files.writeString(script, commands, StandardCharsets.UTF_8);
            Command.check(List.of("debugfs", "-w", "-f", script.toString(), spec), Map.of());
        } finally {
            Files.deleteIfExists(tmp);
            Files.deleteIfExists(script);
        }
        byte[] back = read(path);
        if (back == null || !Arrays.equals(back, content)) {
            throw new IOException("debugfs did not write " + path + " (read back differs)");
        }
    }

    private static void check(String path) throws IOException {
        if (!path.matches("(/[A-Za-z0-9._-]+)+")) {
            throw new IOException("unsupported path for debugfs: " + path);
        }
    }

    @Override
    public void close() {
        // debugfs opens and closes the target per command
    }
}
