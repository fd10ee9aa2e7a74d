package io.rpideploy.bootenv.control;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes a folder as a "newc" cpio archive (the format the Linux kernel unpacks as an initramfs,
 * Documentation/driver-api/early-userspace/buffer-format.rst). Linux accepts several such archives one after the
 * other, so the installer environment's own archive and one of the image's kernel modules are simply concatenated.
 */
final class CpioArchive {

    private static final String MAGIC = "070701";
    private final OutputStream out;
    private long written;
    private int inode = 1;

    CpioArchive(OutputStream out) {
        this.out = out;
    }

    /** Every directory and regular file under {@code dir}, paths relative to it, parents first. */
    void addTree(Path dir) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(p -> !p.equals(dir)).sorted().forEach(entries::add);
        }
        for (Path p : entries) {
            String name = dir.relativize(p).toString();
            if (Files.isDirectory(p)) {
                entry(name, 040755, new byte[0]);
            } else if (Files.isRegularFile(p)) {
                entry(name, 0100644, Files.readAllBytes(p));
            }
        }
    }

    /** The trailer that ends an archive. */
    void finish() throws IOException {
        entry("TRAILER!!!", 0, new byte[0]);
        out.flush();
    }

    private void entry(String name, int mode, byte[] data) throws IOException {
        byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder(110).append(MAGIC);
        for (long field : new long[] {inode++, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, nameBytes.length, 0}) {
            h.append(String.format("%08x", field));
        }
        write(h.toString().getBytes(StandardCharsets.US_ASCII));
        write(nameBytes);
        pad();
        write(data);
        pad();
    }

    private void write(byte[] b) throws IOException {
        out.write(b);
        written += b.length;
    }

    /** Header+name and data are each padded to 4 bytes. */
    private void pad() throws IOException {
        while (written % 4 != 0) {
            write(new byte[1]);
        }
    }
}
