package io.rpideploy.images.boundary;

import io.rpideploy.images.control.ByteRange;
import io.rpideploy.downloads.control.DownloadQueue;
import io.rpideploy.downloads.control.Downloads;
import io.rpideploy.images.control.ImageRegistry;
import io.rpideploy.images.control.ImageBlockMaps;
import io.rpideploy.images.control.ImageStore;
import io.rpideploy.images.control.StorePaths;
import io.rpideploy.images.control.ImageIntegrity;
import io.rpideploy.images.control.RawCopies;
import io.rpideploy.images.entity.ImageFormat;
import io.rpideploy.images.entity.MasterImage;
import io.rpideploy.platform.boundary.ApiErrors;
import io.rpideploy.platform.control.ListenerPolicy;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code GET}/{@code HEAD /images/<name>} and {@code /boot/<path>} for the Pis (the deployment listener only: the
 * {@code ListenerFilter} answers 404 on the management listener). Resumable: validators, single byte ranges,
 * conditional requests. Names are resolved by {@code StorePaths} from the raw request path and must stay inside
 * their root; anything else is a 404 before the file system is asked.
 *
 * <p>Bodies of {@value #ZERO_COPY_MIN} bytes and more go out with sendfile ({@link ZeroCopy}); smaller ones, or
 * all of them where the container offers no sendfile, are copied with positional reads into a 256 KiB buffer.
 * An image's download slot is given back when its last byte has been handed to the socket.
 *
 * <p>A compressed image goes as stored only to a client that says it decompresses that format
 * ({@code X-RpiDeploy-Decompresses}); any other gets its raw copy ({@link RawCopies}), with the raw SHA-256 as ETag.
 */
@WebServlet(urlPatterns = {"/images/*", "/boot/*"}, asyncSupported = true)
public class ImageFileServlet extends HttpServlet {

    private static final Logger LOG = Logger.getLogger(ImageFileServlet.class.getName());
    static final int BUFFER = 256 * 1024;
    static final long ZERO_COPY_MIN = 1024 * 1024;
    static final String IMAGES = "/images/";
    static final String BOOT = "/boot/";

    @Inject
    ImageStore store;

    @Inject
    ImageRegistry registry;

    @Inject
    Downloads downloads;

    @Inject
    RawCopies rawCopies;

    @Inject
    ImageIntegrity integrity;

    @Inject
    ImageBlockMaps blockMaps;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        serve(request, response, true);
    }

    /** Headers only; the default doHead would read the whole file into a byte counter. */
    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) throws IOException {
        serve(request, response, false);
    }

    private void serve(HttpServletRequest request, HttpServletResponse response, boolean body) throws IOException {
        String path = ListenerPolicy.path(request); // raw: still percent-encoded, never normalised by us
        boolean image = path.startsWith(IMAGES);
        if (image) {
            Optional<String> name = StorePaths.file(store.images(), path.substring(IMAGES.length()))
                    .map(p -> p.getFileName().toString());
            if (name.isPresent() && name.get().endsWith(ImageStore.BMAP_SUFFIX)) {
                serveBmap(name.get(), request, response, body); // image names never end so (ImageNames)
                return;
            }
        }
        Optional<Path> found = image ? store.image(path.substring(IMAGES.length()))
                : path.startsWith(BOOT) ? store.bootFile(path.substring(BOOT.length())) : Optional.empty();
        if (found.isEmpty()) {
            notFound(response);
            return;
        }
        Path file = found.get();
        Optional<MasterImage> registered = image ? registry.byFilename(file.getFileName().toString())
                : Optional.empty();
        if (image && registered.isEmpty()) {
            notFound(response); // a file someone put in the folder is not an image until it is registered
            return;
        }
        if (registered.isPresent()) {
            Optional<String> refusal;
            try {
                refusal = integrity.refusal(registered.get(), Files.readAttributes(file, BasicFileAttributes.class));
            } catch (IOException gone) {
                notFound(response);
                return;
            } catch (RuntimeException notRecorded) {
                // the database could not record the change now (busy, unwritable): refused all the same
                refusal = Optional.of("its file changed and the change could not be recorded yet; retry");
            }
            if (refusal.isPresent()) {
                // never send bytes that may not be what /api/config promised
                ApiErrors.write(response, 503, "image_unverified", "This image is not served: "
                        + refusal.get());
                return;
            }
        }
        String checksum = registered.map(MasterImage::getChecksum).orElse(null);
        Long registeredSize = registered.map(MasterImage::getSizeBytes).orElse(null);
        String servedName = file.getFileName().toString();
        if (image) {
            response.setHeader("Vary", ImageFormat.DECOMPRESSES_HEADER); // the same URL, raw or compressed
        }
        if (registered.isPresent()
                && !registered.get().getFormat().servedAsStoredTo(request.getHeader(ImageFormat.DECOMPRESSES_HEADER))) {
            // a client that cannot decompress would write compressed bytes to its card: it gets the raw image
            MasterImage compressed = registered.get();
            Optional<Path> raw = rawCopies.ready(compressed);
            if (raw.isEmpty()) {
                notRaw(response, compressed);
                return;
            }
            file = raw.get();
            checksum = compressed.getUncompressedChecksum();
            registeredSize = compressed.getUncompressedSize();
            servedName = compressed.getFormat().rawName(servedName);
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException gone) {
            notFound(response);
            return;
        }
        long size = attributes.size();
        if (registeredSize != null && size != registeredSize) {
            // changed on disk since it was hashed: never send bytes that do not match what /api/config promised
            long expected = registeredSize;
            Path changed = file;
            LOG.warning(() -> "Image file " + changed + " is " + size + " bytes, registered with "
                    + expected + ": not served until it is registered again");
            ApiErrors.write(response, 503, "image_changed", "This image file changed on disk after it was "
                    + "registered; it is not served");
            return;
        }
        long modified = attributes.lastModifiedTime().toMillis() / 1000 * 1000; // HTTP dates have seconds
        String etag = etag(checksum, registeredSize, size, attributes.lastModifiedTime().toMillis());

        response.setHeader("Accept-Ranges", "bytes");
        response.setHeader("ETag", etag);
        response.setDateHeader("Last-Modified", modified);
        response.setHeader("Cache-Control", "no-cache");

        if (notModified(request, etag, modified)) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        // Range is defined for GET only (RFC 9110 section 14.2); If-Range decides whether it still applies
        ByteRange range = body && ifRangeHolds(request, etag, modified)
                ? ByteRange.parse(request.getHeader("Range"), size) : ByteRange.full(size);
        if (range.kind() == ByteRange.Kind.UNSATISFIABLE) {
            response.setHeader("Content-Range", range.contentRange()); // section 15.5.17
            ApiErrors.write(response, 416, "range_not_satisfiable", "The requested range is outside the file ("
                    + size + " bytes)");
            return;
        }
        DownloadQueue.Ticket ticket = null;
        if (image && body && range.length() > 0) {
            ticket = admit(request, response, file.getFileName().toString());
            if (ticket == null) {
                return; // told to come back later
            }
        }
        DownloadQueue.Ticket slot = ticket;
        try {
            if (stream(file, servedName, range, body, image, request, response, slot)) {
                slot = null; // the transfer goes on: it gives the slot back when it ends
            }
        } finally {
            if (slot != null) {
                slot.close();
            }
        }
    }

    /**
     * {@code <image>.bmap}: the block map of a registered image that has one, exactly as checked and recorded;
     * any other .bmap name (a file someone put in the folder, a deleted image's) is a 404 like any unknown file.
     */
    private void serveBmap(String name, HttpServletRequest request, HttpServletResponse response, boolean body)
            throws IOException {
        Optional<MasterImage> registered = registry.byFilename(
                name.substring(0, name.length() - ImageStore.BMAP_SUFFIX.length())).filter(MasterImage::hasBmap);
        if (registered.isEmpty()) {
            notFound(response);
            return;
        }
        Optional<byte[]> xml = blockMaps.served(registered.get());
        if (xml.isEmpty()) {
            ApiErrors.write(response, 503, "bmap_changed", "This image's block map is missing or changed on disk"
                    + " after it was checked; it is not served (send it again: PUT /api/images/{id}/bmap)");
            return;
        }
        String etag = "\"sha256-" + registered.get().getBmapChecksum() + "\"";
        response.setHeader("ETag", etag);
        response.setHeader("Cache-Control", "no-cache");
        if (matchesAny(Optional.ofNullable(request.getHeader("If-None-Match")).orElse(""), etag, true)) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        response.setContentType("application/xml");
        response.setContentLength(xml.get().length);
        if (body) {
            response.getOutputStream().write(xml.get());
        }
    }

    /**
     * Admission control: a client announcing that it can wait gets a slot or 503 with Retry-After and its place in
     * the queue; any other client (the plan's script fails on an error status, and after 30 s without a byte) is
     * served at once, and the link's fair sharing paces it.
     */
    private DownloadQueue.Ticket admit(HttpServletRequest request, HttpServletResponse response, String name)
            throws IOException {
        String client = Optional.ofNullable(request.getHeader(Downloads.CLIENT_HEADER)).filter(c -> !c.isBlank())
                .map(c -> c.length() > 64 ? c.substring(0, 64) : c).orElse(request.getRemoteAddr());
        String canWait = request.getHeader(Downloads.CAN_WAIT_HEADER);
        // a board needs one transfer at a time: an address with several is limited (this host itself is not)
        String address = Downloads.limitedAddress(request.getRemoteAddr(), request.getLocalAddr());
        if (canWait == null || canWait.isBlank() || canWait.equals("0")) {
            DownloadQueue.Ticket now = downloads.queue().admitNow(client, address, name);
            if (now == null) {
                tooMany(response, address);
            }
            return now;
        }
        DownloadQueue.Decision decision = downloads.queue().tryAdmit(client, address, name);
        if (decision.admitted().isPresent()) {
            return decision.ticket();
        }
        if (decision.addressFull()) {
            tooMany(response, address);
            return null;
        }
        response.setHeader("Retry-After", String.valueOf(decision.retryAfterSeconds())); // RFC 9110 section 10.2.3
        response.setHeader(Downloads.POSITION_HEADER, String.valueOf(decision.position()));
        ApiErrors.write(response, 503, "queued", "All download slots are busy: you are number "
                + decision.position() + " in the queue; retry after " + decision.retryAfterSeconds() + " s");
        return null;
    }

    private void tooMany(HttpServletResponse response, String address) throws IOException {
        response.setHeader("Retry-After", "5");
        ApiErrors.write(response, 429, "too_many_downloads", address + " already has "
                + downloads.maxPerAddress() + " downloads running; a board needs one: retry when one has ended");
    }

    /** @return true when the body goes on after this returns (sendfile), which then closes {@code slot} */
    private boolean stream(Path file, String servedName, ByteRange range, boolean body, boolean image,
                           HttpServletRequest request, HttpServletResponse response, DownloadQueue.Ticket slot)
            throws IOException {
        response.setContentType("application/octet-stream");
        if (image && servedName.matches("[A-Za-z0-9._-]+")) { // nothing to quote or escape
            response.setHeader("Content-Disposition", "attachment; filename=\"" + servedName + "\"");
        }
        if (range.kind() == ByteRange.Kind.PARTIAL) {
            response.setStatus(HttpServletResponse.SC_PARTIAL_CONTENT); // section 15.3.7
            response.setHeader("Content-Range", range.contentRange());
        }
        response.setContentLengthLong(range.length());
        if (!body || range.length() == 0) {
            return false;
        }
        if (image && range.first() == 0) {
            LOG.info(() -> "image download " + servedName + " to " + request.getRemoteAddr()
                    + " (" + range.length() + " bytes)");
        }
        // sendfile writes raw bytes to the socket: only on HTTP/1.x (after an h2c upgrade they would break the
        // HTTP/2 framing; Java's HttpClient asks for that upgrade by default)
        if (range.length() >= ZERO_COPY_MIN && request.getProtocol().startsWith("HTTP/1.")
                && ZeroCopy.send(request, response, file, range.first(), range.length(), downloads.writeTimeout(),
                downloads::served,
                () -> {
                    if (slot != null) {
                        slot.close();
                    }
                }, progress(slot), () -> copy(file, range.first(), range.length(), request, response, slot, downloads::served))) {
            return true;
        }
        copy(file, range.first(), range.length(), request, response, slot, downloads::served);
        return false;
    }

    private static Runnable progress(DownloadQueue.Ticket slot) {
        return slot == null ? () -> { } : slot::progressed;
    }

    private static void copy(Path file, long first, long length, HttpServletRequest request,
                             HttpServletResponse response, DownloadQueue.Ticket slot, LongConsumer sent)
            throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            OutputStream out = response.getOutputStream();
            byte[] buffer = new byte[BUFFER];
            ByteBuffer wrapped = ByteBuffer.wrap(buffer);
            long position = first;
            long remaining = length;
            while (remaining > 0) { // every pass moves at least one byte or leaves
                wrapped.clear().limit((int) Math.min(BUFFER, remaining));
                int read = channel.read(wrapped, position);
                if (read <= 0) {
                    // the file shrank under us: the promised length cannot be kept, so end the connection
                    LOG.warning(() -> file + " is shorter than announced; aborting the response");
                    throw new IOException("file truncated while being served");
                }
                out.write(buffer, 0, read);
                sent.accept(read);
                if (slot != null) {
                    slot.progressed();
                }
                position += read;
                remaining -= read;
            }
            out.flush();
        } catch (IOException e) {
            // mostly a client that went away (a Pi rebooted, curl was stopped); it will resume with Range
            LOG.log(Level.FINE, "download of " + file + " to " + request.getRemoteAddr() + " ended early", e);
        }
    }

    /**
     * Strong validator: the registered SHA-256 of what is served (the stored file, or the raw copy) while its size is
     * the registered one; otherwise size and modification time.
     */
    static String etag(String checksum, Long registeredSize, long size, long modifiedMillis) {
        return checksum != null && registeredSize != null && registeredSize == size ? "\"sha256-" + checksum + "\""
                : "\"" + Long.toHexString(size) + "-" + Long.toHexString(modifiedMillis) + "\"";
    }

    /** A compressed image whose raw copy is missing: refused, never sent compressed to a client that cannot read it. */
    private static void notRaw(HttpServletResponse response, MasterImage image) throws IOException {
        if (image.getUncompressedChecksum() == null) {
            ApiErrors.write(response, 406, "not_acceptable", image.getFilename() + " is compressed and its raw "
                    + "size is unknown; send " + ImageFormat.DECOMPRESSES_HEADER + ": " + image.getFormat().label()
                    + " if this client decompresses it");
            return;
        }
        response.setHeader("Retry-After", "30");
        ApiErrors.write(response, 503, "raw_copy_not_ready", "The raw copy of " + image.getFilename()
                + " is still being made; send " + ImageFormat.DECOMPRESSES_HEADER + ": " + image.getFormat().label()
                + " if this client decompresses it");
    }

    /**
     * If-None-Match (RFC 9110 section 13.1.2, weak comparison), else If-Modified-Since (section 13.1.3): a 304 for
     * GET and HEAD. Precedence as in section 13.2.2.
     */
    private static boolean notModified(HttpServletRequest request, String etag, long modified) {
        String noneMatch = request.getHeader("If-None-Match");
        if (noneMatch != null) {
            return matchesAny(noneMatch, etag, true);
        }
        long since = date(request, "If-Modified-Since");
        return since >= 0 && modified <= since;
    }

    /**
     * If-Range (section 13.1.5): the range applies only if the validator still matches, an entity-tag by strong
     * comparison, a date exactly; otherwise the whole file is sent.
     */
    private static boolean ifRangeHolds(HttpServletRequest request, String etag, long modified) {
        String ifRange = request.getHeader("If-Range");
        if (ifRange == null || ifRange.isBlank()) {
            return true;
        }
        String value = ifRange.strip();
        if (value.startsWith("\"") || value.startsWith("W/")) {
            return value.equals(etag); // a weak tag never matches strongly
        }
        long date = date(request, "If-Range");
        return date >= 0 && date == modified;
    }

    static boolean matchesAny(String header, String etag, boolean weak) {
        String opaque = weak && etag.startsWith("W/") ? etag.substring(2) : etag;
        int count = 0;
        for (String candidate : header.split(",")) {
            if (++count > 64) {
                return false;
            }
            String tag = candidate.strip();
            if (tag.equals("*")) {
                return true;
            }
            if (weak && tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals(opaque)) {
                return true;
            }
        }
        return false;
    }

    private static long date(HttpServletRequest request, String header) {
        try {
            return request.getDateHeader(header);
        } catch (IllegalArgumentException notADate) {
            return -1; // an invalid date is ignored (section 13.1.3)
        }
    }

    private static void notFound(HttpServletResponse response) throws IOException {
        ApiErrors.write(response, 404, "not_found", "No such file");
    }
}
