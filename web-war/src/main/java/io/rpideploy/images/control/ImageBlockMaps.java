package io.rpideploy.images.control;

import io.rpideploy.images.entity.ImageFormat;
import io.rpideploy.images.entity.MasterImage;
import io.rpideploy.platform.control.DomainException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The block maps ({@code <image>.bmap}) of registered images: checked ({@link BlockMapCheck}), also against the
 * image's bytes, before anything is written, stored beside the image, recorded with their SHA-256, and handed to the deployment listener only while
 * the file is still the one recorded. A refused map leaves the stored one (or none) as it was.
 */
@ApplicationScoped
public class ImageBlockMaps {

    private static final Logger LOG = Logger.getLogger(ImageBlockMaps.class.getName());

    @Inject
    ImageStore store;

    @Inject
    ImageRegistry registry;

    @Inject
    RawCopies rawCopies;

    /** Reads a map as sent, refusing (400, nothing read beyond it) one over {@link BlockMapCheck#MAX_BYTES}. */
    public static byte[] read(InputStream in) throws IOException {
        byte[] xml = in.readNBytes(BlockMapCheck.MAX_BYTES + 1);
        if (xml.length > BlockMapCheck.MAX_BYTES) {
            throw DomainException.invalid(BlockMapCheck.FIELD, "The bmap file is larger than "
                    + BlockMapCheck.MAX_BYTES + " bytes");
        }
        return xml;
    }

    /** Checks a map against the raw size of the image it is sent for. */
    public static BlockMapCheck.Checked check(byte[] xml, Long rawSize) {
        if (rawSize == null) {
            throw DomainException.conflict(BlockMapCheck.FIELD, "The image's uncompressed size is unknown, so no"
                    + " block map can be checked against it: upload the image again");
        }
        return BlockMapCheck.check(xml, rawSize);
    }

    /**
     * Holds a checked map against the raw bytes of an image file stored in this format (one read of the image,
     * decompressed on the way if it is compressed).
     */
    public static void matchContent(BlockMapCheck.Checked map, Path file, ImageFormat format) {
        try (InputStream in = ImageDigester.decompressor(Files.newInputStream(file), format)) {
            BlockMapCheck.matchContent(map, in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " to check a block map against it", e);
        }
    }

    /**
     * Adds or replaces the map of a registered image, after reading the image once to hold the map against it;
     * 412 when the image changed since {@code expectedVersion}.
     */
    public synchronized MasterImage attach(long id, Long expectedVersion, byte[] xml) {
        MasterImage image = registry.require(id);
        BlockMapCheck.Checked checked = check(xml, ImageRegistry.rawSize(image).orElse(null));
        Optional<Path> raw = rawCopies.ready(image); // a compressed image's raw copy spares decompressing it
        if (raw.isPresent()) {
            matchContent(checked, raw.get(), ImageFormat.IMG);
        } else {
            matchContent(checked, store.images().resolve(image.getFilename()), image.getFormat());
        }
        Path target = store.bmapFile(image.getFilename());
        Path previous = null;
        try {
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                previous = store.newUpload();
                Files.move(target, previous, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            store.writeBmap(image.getFilename(), xml);
        } catch (IOException e) {
            restore(previous, target);
            throw new UncheckedIOException("cannot store the block map of " + image.getFilename(), e);
        }
        try {
            MasterImage recorded = registry.recordBmap(id, expectedVersion, checked, xml.length);
            store.deleteQuietly(previous);
            LOG.info(() -> "block map of " + image.getFilename() + ": " + checked.ranges() + " ranges, "
                    + checked.mappedBlocks() + " of " + checked.blocksCount() + " blocks mapped");
            return recorded;
        } catch (RuntimeException e) {
            // not recorded (stale version, database busy): the map that was there stays the one served
            store.deleteQuietly(target);
            restore(previous, target);
            throw e;
        }
    }

    /** Removes the map of a registered image (the installer then writes the whole image). */
    public synchronized MasterImage remove(long id, Long expectedVersion) {
        MasterImage image = registry.require(id);
        if (!image.hasBmap()) {
            throw DomainException.notFound("Image " + id + " has no block map");
        }
        MasterImage changed = registry.recordBmap(id, expectedVersion, null, 0);
        store.deleteQuietly(store.bmapFile(image.getFilename()));
        return changed;
    }

    /**
     * The map to serve for a registered image: empty when it has none, or when its file is gone or no longer the
     * one checked and recorded (never bytes nobody checked).
     */
    public Optional<byte[]> served(MasterImage image) {
        if (!image.hasBmap()) {
            return Optional.empty();
        }
        Path file = store.bmapFile(image.getFilename());
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || image.getBmapSize() == null
                    || Files.size(file) != image.getBmapSize()) {
                LOG.warning(() -> file + " is missing or not the size recorded: not served");
                return Optional.empty();
            }
            byte[] xml;
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                xml = in.readNBytes(BlockMapCheck.MAX_BYTES + 1);
            }
            if (!sha256(xml).equals(image.getBmapChecksum())) {
                LOG.warning(() -> file + " changed since it was checked: not served");
                return Optional.empty();
            }
            return Optional.of(xml);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot read " + file, e);
            return Optional.empty();
        }
    }

    private void restore(Path previous, Path target) {
        if (previous == null) {
            return;
        }
        try {
            Files.move(previous, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not put the earlier block map back at " + target, e);
        }
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
