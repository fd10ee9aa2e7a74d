package io.rpideploy.installer.customize;

import java.io.IOException;

/** Files of one partition of the target, however it is reached. Paths are absolute within the partition. */
public interface PartitionFiles extends AutoCloseable {

    /** The file's bytes, or null when it does not exist. */
    byte[] read(String path) throws IOException;

    /** Creates or replaces a regular file (owner root, the given permission bits where the fs has them). */
    void write(String path, byte[] content, int mode) throws IOException;

    @Override
    void close() throws IOException;
}
