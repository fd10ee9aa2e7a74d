package io.rpideploy.installer.customize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A FAT partition reached with mtools at a byte offset of the target ({@code -i target@@offset}); no mount. */
final class FatTools implements PartitionFiles {

    private static final Map<String, String> ENV = Map.of("MTOOLS_SKIP_CHECK", "1", "MTOOLS_NO_VFAT", "0");
    private final String image;

    FatTools(Path device, long offset) {
        this.image = device + "@@" + offset;
    }

    @Override
    public byte[] read(String path) throws IOException {
        Command c = Command.run(List.of("mtype", "-i", image, "::" + path), ENV);
        if (c.exit() != 0) {
            if (c.stderr().contains("not found")) {
                return null;
            }
            throw new IOException("mtype " + path + " failed: " + c.stderr().trim());
        }
        return c.stdout();
    }

    @Override
    public void write(String path, byte[] content, int mode) throws IOException {
        Path tmp = Files.createTempFile("rpideploy-fat-", ".tmp");
        try {
            Files.write(tmp, content);
            Command.check(List.of("mcopy", "-o", "-i", image, tmp.toString(), "::" + path), ENV);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public void close() {
        // mtools opens and closes the target per command
    }
}
