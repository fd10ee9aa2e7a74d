package io.rpideploy.images.control;

import io.rpideploy.hostnames.entity.Product;
import io.rpideploy.images.entity.ImageFormat;
import io.rpideploy.images.entity.MasterImage;
import io.rpideploy.platform.control.DomainException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.BufferedOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Brings image files into the registry: a multipart upload streamed to a temporary file (hashed on the way, never
 * held in memory), or a file an operator copied into the import folder. A file enters the store only complete and
 * hashed, and is registered right after; whatever fails on the way leaves no file and no row behind.
 */
@ApplicationScoped
public class ImageUploads {

    private static final Logger LOG = Logger.getLogger(ImageUploads.class.getName());
    static final int MAX_PARTS = 32;
    static final int MAX_FIELD_BYTES = 64 * 1024;
    static final String FILE_FIELD = "image";
    /** Optional part: the image's bmaptool block map, checked against the image before anything is stored. */
    static final String BMAP_FIELD = "bmap";

    @Inject
    ImageStore store;

    @Inject
    ImageRegistry registry;

    @Inject
    RawCopies rawCopies;

    /**
     * The plan's upload: parts {@code image} (file), {@code product_type}, {@code version}, {@code description}; and
     * ours, {@code bmap} (optional, its block map; a refused map refuses the whole upload).
     */
    public MasterImage upload(String contentType, InputStream body) {
        String boundary = MultipartReader.boundary(contentType).orElseThrow(() -> DomainException.invalid(null,
                "Send the image as multipart/form-data with the parts image, product_type and version"));
        MultipartReader reader = new MultipartReader(body, boundary);
        Map<String, String> fields = new HashMap<>();
        Path temp = null;
        try {
            String original = null;
            ImageDigester.Digests digests = null;
            ImageFormat format = null;
            byte[] bmap = null;
            for (int parts = 0; ; parts++) {
                var next = reader.next();
                if (next.isEmpty()) {
                    break;
                }
                if (parts >= MAX_PARTS) {
                    throw DomainException.invalid(null, "Too many parts in the upload");
                }
                MultipartReader.Part part = next.get();
                if (part.name().equals(BMAP_FIELD)) {
                    if (bmap != null) {
                        throw DomainException.invalid(BMAP_FIELD, "Send one bmap with the image");
                    }
                    bmap = ImageBlockMaps.read(part.content());
                } else if (part.isFile() && part.name().equals(FILE_FIELD)) {
                    if (temp != null) {
                        throw DomainException.invalid(FILE_FIELD, "Upload one image at a time");
                    }
                    original = part.filename();
                    String sanitised = ImageNames.sanitise(original);
                    if (original.isBlank()) {
                        throw DomainException.invalid(FILE_FIELD, "No file selected");
                    }
                    format = ImageNames.format(sanitised, FILE_FIELD);
                    // fields sent before the file are checked now, not after 16 GiB
                    validateIfPresent(fields);
                    temp = serverSide(store::newUpload, "cannot create a temporary file in " + store.incoming());
                    digests = receive(part.content(), temp, format);
                } else if (!part.isFile()) {
                    fields.putIfAbsent(part.name(), text(part.content(), part.name()));
                }
            }
            if (temp == null) {
                throw DomainException.invalid(FILE_FIELD, "No image file provided");
            }
            Product product = ImageNames.product(fields.get("product_type"));
            String version = ImageNames.version(fields.get("version"));
            DiskLayout.require(digests.head(), FILE_FIELD); // after the fields: they are what a user fixes first
            BlockMapCheck.Checked checkedMap = bmap == null ? null : ImageBlockMaps.check(bmap,
                    digests.uncompressedSize() != null ? digests.uncompressedSize()
                            : format == ImageFormat.IMG ? Long.valueOf(digests.size()) : null);
            if (checkedMap != null) {
                ImageBlockMaps.matchContent(checkedMap, temp, format); // a second read of the upload, from disk
            }
            String name = ImageNames.storedName(product, version, ImageNames.sanitise(original));
            Path source = temp;
            Path stored = serverSide(() -> store.moveIn(source, name, registry::filenameTaken),
                    "cannot move the upload into " + store.images());
            temp = null;
            MasterImage image;
            String storedName = stored.getFileName().toString();
            try {
                if (bmap != null) {
                    byte[] map = bmap;
                    serverSide(() -> {
                        store.writeBmap(storedName, map);
                        return null;
                    }, "cannot store the block map beside " + stored);
                }
                image = registry.register(new ImageRegistry.NewImage(storedName, original, product, version, format,
                        digests, fields.get("description"), "upload", checkedMap, bmap == null ? 0 : bmap.length));
            } catch (RuntimeException e) {
                store.deleteQuietly(stored);
                if (bmap != null) {
                    store.deleteQuietly(store.bmapFile(storedName));
                }
                throw e;
            }
            rawCopies.makeQuietly(image); // before the answer: the image is usable by every client once listed
            return image;
        } catch (MultipartReader.Malformed e) {
            throw DomainException.invalid(null, e.getMessage());
        } catch (ImageDigester.TransferFailed e) {
            if (!e.source()) {
                throw full(e).orElseThrow(() -> new UncheckedIOException("cannot write the upload to "
                        + store.incoming(), e));
            }
            throw interrupted(e);
        } catch (IOException e) {
            throw interrupted(e);
        } finally {
            store.deleteQuietly(temp);
        }
    }

    /** Registers a file already in the import folder: hashed where it is, then renamed into the store. */
    public MasterImage importFile(String filename, String productText, String versionText, String description) {
        if (filename == null || filename.isBlank()) {
            throw DomainException.invalid("filename", "filename is required: a file in the import folder");
        }
        Product product = ImageNames.product(productText);
        String version = ImageNames.version(versionText);
        Path source = store.importFile(filename).orElseThrow(() -> new DomainException(
                DomainException.Kind.NOT_FOUND, "filename", "No file " + filename + " in the import folder "
                + store.importDir()));
        String sanitised = ImageNames.sanitise(filename);
        ImageFormat format = ImageNames.format(sanitised, "filename");
        ImageDigester.Digests digests;
        try {
            BasicFileAttributes before = Files.readAttributes(source, BasicFileAttributes.class);
            try (InputStream in = Files.newInputStream(source)) {
                digests = ImageDigester.digest(in, null, format);
            }
            BasicFileAttributes after = Files.readAttributes(source, BasicFileAttributes.class);
            if (before.size() != after.size() || !before.lastModifiedTime().equals(after.lastModifiedTime())) {
                throw DomainException.conflict("filename", filename + " changed while it was read: wait until "
                        + "the copy is finished");
            }
        } catch (ImageDigester.InvalidImage e) {
            throw DomainException.invalid("filename", e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source, e);
        }
        DiskLayout.require(digests.head(), "filename");
        Path stored = serverSide(() -> store.moveIn(source, ImageNames.storedName(product, version, sanitised),
                registry::filenameTaken), "cannot move " + source + " into the store");
        MasterImage image;
        try {
            image = registry.register(new ImageRegistry.NewImage(stored.getFileName().toString(), filename, product,
                    version, format, digests, description, "import"));
        } catch (RuntimeException e) {
            store.moveBack(stored, source);
            throw e;
        }
        rawCopies.makeQuietly(image);
        return image;
    }

    /** Deletes an image (refused for the active one) and then its file. */
    public MasterImage delete(long id) {
        return delete(id, null);
    }

    /** The same, refused (412) when the image changed since {@code expectedVersion} (null: any). */
    public MasterImage delete(long id, Long expectedVersion) {
        MasterImage deleted = registry.delete(id, expectedVersion);
        store.deleteImage(deleted.getFilename());
        return deleted;
    }

    /**
     * Refuses at once (507) an upload whose announced length does not fit in the free space of the upload folder:
     * nothing is read or written. Without a length (chunked) the write itself finds out, see {@link #full}.
     */
    public void requireRoomFor(long contentLength) {
        if (contentLength <= 0) {
            return;
        }
        long usable = usableSpace();
        if (usable >= 0 && contentLength > usable) {
            throw new DomainException(DomainException.Kind.INSUFFICIENT_STORAGE, FILE_FIELD, "The upload is "
                    + contentLength + " bytes and the server's disk has " + usable + " bytes free in "
                    + store.incoming() + ": free space (or delete old images) and upload again");
        }
    }

    /** A write that failed because the disk is full: 507, and the caller's finally removes what was written. */
    private Optional<DomainException> full(IOException e) {
        String message = String.valueOf(e.getMessage());
        long usable = usableSpace();
        if (!message.contains("No space left") && !message.contains("Disk quota") && (usable < 0
                || usable > ImageDigester.BUFFER)) {
            return Optional.empty();
        }
        LOG.warning(() -> "upload stopped: the disk of " + store.incoming() + " is full (" + message
                + "); nothing kept");
        return Optional.of(new DomainException(DomainException.Kind.INSUFFICIENT_STORAGE, FILE_FIELD,
                "The server's disk became full during the upload; nothing was kept. Free space in "
                + store.incoming() + " (or delete old images) and upload again"));
    }

    private long usableSpace() {
        try {
            return Files.getFileStore(store.incoming()).getUsableSpace();
        } catch (IOException unknown) {
            return -1;
        }
    }

    /** The client stopped sending in the middle of the body (or the connection broke): nothing was kept. */
    private static DomainException interrupted(IOException e) {
        LOG.info(() -> "upload cut off, nothing kept: " + e);
        return DomainException.invalid(FILE_FIELD, "The upload ended before the whole body arrived; nothing was "
                + "stored");
    }

    private interface ServerIo<T> {
        T run() throws IOException;
    }

    /** A failure of our own disk is a 500 (with an incident id), never the client's "interrupted". */
    private static <T> T serverSide(ServerIo<T> io, String what) {
        try {
            return io.run();
        } catch (IOException e) {
            throw new UncheckedIOException(what, e);
        }
    }

    private static void validateIfPresent(Map<String, String> fields) {
        if (fields.containsKey("product_type")) {
            ImageNames.product(fields.get("product_type"));
        }
        if (fields.containsKey("version")) {
            ImageNames.version(fields.get("version"));
        }
    }

    private static ImageDigester.Digests receive(InputStream content, Path temp, ImageFormat format)
            throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING), ImageDigester.BUFFER)) {
            return ImageDigester.digest(content, out, format);
        } catch (ImageDigester.InvalidImage e) {
            throw DomainException.invalid(FILE_FIELD, e.getMessage());
        } catch (ImageDigester.TransferFailed e) {
            throw e;
        } catch (IOException e) {
            throw new ImageDigester.TransferFailed(e, false); // opening, flushing or closing our own file
        }
    }

    private static String text(InputStream content, String name) throws IOException {
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n = content.read(buffer); n >= 0; n = content.read(buffer)) {
            value.write(buffer, 0, n);
            if (value.size() > MAX_FIELD_BYTES) {
                throw DomainException.invalid(name, "The field " + name + " is longer than " + MAX_FIELD_BYTES
                        + " bytes");
            }
        }
        return value.toString(StandardCharsets.UTF_8);
    }
}
