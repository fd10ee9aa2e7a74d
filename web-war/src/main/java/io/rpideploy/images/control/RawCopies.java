package io.rpideploy.images.control;

import io.rpideploy.images.entity.ImageFormat;
import io.rpideploy.images.entity.MasterImage;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Raw copies of compressed images, for clients that cannot decompress (the plan's installer writes what it receives
 * to the card). Made once, when the image is registered (and at start for images registered before), by
 * decompressing the stored file into {@code <images>/.raw/<filename>}: all-zero blocks are left as holes, so the
 * copy takes the disk space of the image's data, not its full size. The copy must match the uncompressed SHA-256
 * measured at registration, or it is not kept. Served with sendfile like any image: no per-client decompressor, so
 * memory and CPU do not grow with the number of boards, and Range works.
 */
@ApplicationScoped
public class RawCopies {

    private static final Logger LOG = Logger.getLogger(RawCopies.class.getName());
    static final int BLOCK = 64 * 1024;

    @Inject
    ImageStore store;

    @Inject
    ImageRegistry registry;

    @Resource
    ManagedExecutorService executor;

    /** At start, in the background: compressed images registered before raw copies existed get theirs. */
    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        executor.execute(() -> registry.list().stream().filter(i -> i.getFormat().compressed())
                .filter(i -> ready(i).isEmpty()).forEach(this::makeQuietly));
    }

    /** The raw copy of a compressed image, when it exists with the uncompressed size registered. */
    public Optional<Path> ready(MasterImage image) {
        if (!image.getFormat().compressed() || image.getUncompressedSize() == null) {
            return Optional.empty();
        }
        Path copy = store.rawCopy(image.getFilename());
        try {
            return Files.size(copy) == image.getUncompressedSize() ? Optional.of(copy) : Optional.empty();
        } catch (IOException missing) {
            return Optional.empty();
        }
    }

    /** Makes the raw copy unless it exists; failures are logged (the copy is retried at the next start). */
    public synchronized void makeQuietly(MasterImage image) {
        if (!image.getFormat().compressed() || image.getUncompressedChecksum() == null || ready(image).isPresent()) {
            return; // nothing to do, or the uncompressed digest is unknown (a dictionary beyond our decoder's limit)
        }
        Path copy = store.rawCopy(image.getFilename());
        Path part = copy.resolveSibling(copy.getFileName() + ".part");
        long started = System.nanoTime();
        try (InputStream in = Files.newInputStream(store.images().resolve(image.getFilename()))) {
            Files.createDirectories(copy.getParent());
            write(in, image.getFormat(), part, image.getUncompressedSize(), image.getUncompressedChecksum());
            Files.move(part, copy, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            LOG.info(() -> "raw copy of " + image.getFilename() + ": " + image.getUncompressedSize() + " bytes in "
                    + (System.nanoTime() - started) / 1_000_000 + " ms");
        } catch (IOException | ImageDigester.InvalidImage e) {
            store.deleteQuietly(part);
            LOG.log(Level.WARNING, "no raw copy of " + image.getFilename() + ": clients that cannot decompress "
                    + "are refused it", e);
        }
    }

    /**
     * Decompresses {@code compressed} into {@code target}, leaving all-zero blocks as holes; the result must have
     * {@code expectedSize} bytes and SHA-256 {@code expectedSha256}, else nothing counts (the caller removes it).
     */
    static void write(InputStream compressed, ImageFormat format, Path target, long expectedSize,
                      String expectedSha256) throws IOException, ImageDigester.InvalidImage {
        MessageDigest sha = ImageDigester.sha256();
        byte[] block = new byte[BLOCK];
        long position = 0;
        try (InputStream in = ImageDigester.decompressor(compressed, format);
             RandomAccessFile file = new RandomAccessFile(target.toFile(), "rw")) {
            file.setLength(0);
            FileChannel channel = file.getChannel();
            for (int n = in.readNBytes(block, 0, BLOCK); n > 0; n = in.readNBytes(block, 0, BLOCK)) {
                sha.update(block, 0, n);
                if (!zero(block, n)) {
                    ByteBuffer buffer = ByteBuffer.wrap(block, 0, n);
                    while (buffer.hasRemaining()) {
                        channel.write(buffer, position + buffer.position());
                    }
                }
                position += n;
            }
            file.setLength(position); // trailing zeros as a hole too
            channel.force(true);
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (position != expectedSize || !actual.equals(expectedSha256)) {
            throw new ImageDigester.InvalidImage("decompressed to " + position + " bytes, sha256 " + actual
                    + "; registered " + expectedSize + " bytes, sha256 " + expectedSha256);
        }
    }

    private static boolean zero(byte[] block, int length) {
        for (int i = 0; i < length; i++) {
            if (block[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
