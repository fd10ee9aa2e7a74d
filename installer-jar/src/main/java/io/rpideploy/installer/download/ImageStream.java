package io.rpideploy.installer.download;

import io.rpideploy.installer.http.ServerHealth;
import io.rpideploy.installer.report.ExitCode;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The served image file as one InputStream. A dropped or stalled connection (read timeout) is reopened with
 * {@code Range: bytes=<received>-} and {@code If-Range: <etag>}, so a decoder reading from this stream never sees
 * the outage and keeps its state. Outages may add up to {@code maxRetryMillis}; admission-queue waits
 * ({@code 503 + Retry-After}) to {@code maxQueueMillis}. The SHA-256 of every byte received is kept, unless
 * {@link #skip} jumped over a region with a Range request (then {@link #sha256Hex()} is null). A plain-http URL
 * is fetched with {@link RawHttp} (the body lands in the caller's direct buffer, see {@link #read(ByteBuffer)}),
 * anything else, or an answer RawHttp does not handle, with HttpURLConnection.
 */
public final class ImageStream extends InputStream implements ReadableByteChannel {

    /** Skips at least this long reopen the connection at the new offset instead of reading and discarding. */
    public static final long RANGE_JUMP = 16L << 20;
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

    private final String url;
    private final String client;
    private final long maxRetryMillis;
    private final long maxQueueMillis;
    private final Consumer<String> events;
    private MessageDigest digest;
    private HttpURLConnection connection;
    private InputStream body;
    /** The body when it comes through {@link RawHttp} (plain http, no proxy); else {@code body}. */
    private RawHttp raw;
    private boolean rawHttp;
    private byte[] scratch;
    private String etag;
    private volatile long position;
    private long length = -1;
    private long retrySpentMillis;
    private long queueSpentMillis;
    private int reconnects;

    /** @param hashServed keep the SHA-256 of the served bytes (off when the writer hashes the same bytes) */
    public ImageStream(String url, String client, long maxRetryMillis, long maxQueueMillis, boolean hashServed,
                       Consumer<String> events) {
        this.url = url;
        this.client = client;
        this.maxRetryMillis = maxRetryMillis;
        this.maxQueueMillis = maxQueueMillis;
        this.events = events;
        this.rawHttp = RawHttp.eligible(url);
        try {
            this.digest = hashServed ? MessageDigest.getInstance("SHA-256") : null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Bytes of the served file received (or skipped) so far. */
    public long position() {
        return position;
    }

    /** The served file's length once known (first answer), else -1. */
    public long length() {
        return length;
    }

    public int reconnects() {
        return reconnects;
    }

    /** SHA-256 of the served file; only meaningful at its end; null after a Range jump. */
    public String sha256Hex() {
        return digest == null ? null : HexFormat.of().formatHex(digest.digest());
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        return read(ByteBuffer.wrap(b, off, len));
    }

    /**
     * Reads served bytes into {@code dst}; a direct buffer is filled by the kernel itself on the {@link RawHttp}
     * path (no copy through arrays).
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        while (true) {
            if (length >= 0 && position >= length) {
                return -1;
            }
            long failedAt;
            IOException failure;
            try {
                if (body == null && raw == null) {
                    open();
                    continue;
                }
                int start = dst.position();
                int n = raw != null ? raw.read(dst) : readBody(dst);
                if (n > 0) {
                    if (digest != null) {
                        hash(dst, start, n);
                    }
                    position += n;
                    return n;
                }
                if (length < 0) {
                    return -1;
                }
                failure = new IOException("connection ended at byte " + position + " of " + length);
            } catch (DownloadException e) {
                throw e;
            } catch (IOException e) {
                failure = e;
            }
            failedAt = System.currentTimeMillis();
            disconnect();
            outage(failure, failedAt);
        }
    }

    private int readBody(ByteBuffer dst) throws IOException {
        if (dst.hasArray()) {
            int n = body.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
            if (n > 0) {
                dst.position(dst.position() + n);
            }
            return n;
        }
        if (scratch == null) {
            scratch = new byte[1 << 17];
        }
        int n = body.read(scratch, 0, Math.min(scratch.length, dst.remaining()));
        if (n > 0) {
            dst.put(scratch, 0, n);
        }
        return n;
    }

    private void hash(ByteBuffer dst, int start, int n) {
        if (dst.hasArray()) {
            digest.update(dst.array(), dst.arrayOffset() + start, n);
        } else {
            ByteBuffer got = dst.duplicate();
            got.position(start);
            got.limit(start + n);
            digest.update(got);
        }
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    /** Waits before a reconnect, charging the time to the retry budget; gives up when it is spent. */
    private void outage(IOException failure, long since) throws DownloadException {
        reconnects++;
        long pause = Math.min(5000, 250L << Math.min(5, reconnects - 1));
        if (retrySpentMillis + pause > maxRetryMillis) {
            throw new DownloadException(ExitCode.DOWNLOAD_FAILED, "download of " + url + " failed at byte "
                    + position + " after " + reconnects + " attempts: " + failure.getMessage());
        }
        events.accept("connection lost at byte " + position + " (" + failure.getMessage() + "), resuming in "
                + pause + " ms");
        sleep(pause);
        retrySpentMillis += System.currentTimeMillis() - since;
    }

    @Override
    public long skip(long n) throws IOException {
        if (n <= 0) {
            return 0;
        }
        if (n >= RANGE_JUMP && etag != null) {
            disconnect();
            position += n;
            digest = null;
            return n;
        }
        byte[] scratch = new byte[(int) Math.min(n, 1 << 16)];
        long left = n;
        while (left > 0) {
            int r = read(scratch, 0, (int) Math.min(left, scratch.length));
            if (r < 0) {
                break;
            }
            left -= r;
        }
        return n - left;
    }

    private void open() throws IOException {
        while (true) {
            if (rawHttp) {
                if (openRaw()) {
                    return;
                }
                continue;
            }
            long started = System.currentTimeMillis();
            HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
            c.setConnectTimeout(10_000);
            c.setReadTimeout(30_000);
            c.setUseCaches(false);
            requestHeaders().forEach(c::setRequestProperty);
            int status;
            try {
                status = c.getResponseCode();
            } catch (IOException e) {
                c.disconnect();
                outage(e, started);
                continue;
            }
            if (status == 503 || status == 429) { // 429: this address has its share of downloads running
                String retryAfter = c.getHeaderField("Retry-After");
                String place = c.getHeaderField("X-RpiDeploy-Queue-Position");
                drain(c);
                waitInQueue(retryAfter, place, started);
                continue;
            }
            if (status >= 500) {
                drain(c);
                outage(new IOException("HTTP " + status), started);
                continue;
            }
            if (status == 200) {
                checkEtag(c.getHeaderField("ETag"));
                long len = c.getContentLengthLong();
                if (len >= 0) {
                    length = len;
                }
                body = c.getInputStream();
                connection = c;
                if (position > 0) {
                    // the server sent the whole file again: discard what we already have
                    body.skipNBytes(position);
                }
                return;
            }
            if (status == 206) {
                checkEtag(c.getHeaderField("ETag"));
                try {
                    resumedAt(c.getHeaderField("Content-Range"));
                } catch (DownloadException e) {
                    drain(c);
                    throw e;
                }
                body = c.getInputStream();
                connection = c;
                return;
            }
            drain(c);
            if (status == 404 && ServerHealth.starting(url, 5_000)) {
                // the server is (re)starting: its listener answers before the application is there
                outage(new IOException("HTTP 404 while the server is not up (restarting?)"), started);
                continue;
            }
            throw new DownloadException(ExitCode.DOWNLOAD_FAILED, "GET " + url + " answered HTTP " + status);
        }
    }

    /**
     * {@link #open}'s work on the {@link RawHttp} path: the same requests and the same handling of the answers.
     * Anything RawHttp does not fully understand (a redirect, a chunked body, a 4xx...) switches this stream to
     * HttpURLConnection for good and returns false, so that it is asked again the usual way.
     */
    private boolean openRaw() throws IOException {
        long started = System.currentTimeMillis();
        RawHttp c;
        try {
            c = RawHttp.get(url, requestHeaders(), 10_000, 30_000);
        } catch (IOException e) {
            outage(e, started);
            return false;
        }
        int status = c.status();
        if (!c.understood()) {
            c.close();
            rawHttp = false;
            return false;
        }
        if (status == 503) {
            String retryAfter = c.header("Retry-After");
            String place = c.header("X-RpiDeploy-Queue-Position");
            c.close();
            waitInQueue(retryAfter, place, started);
            return false;
        }
        if (status >= 500) {
            c.close();
            outage(new IOException("HTTP " + status), started);
            return false;
        }
        try {
            checkEtag(c.header("ETag"));
        } catch (DownloadException e) {
            c.close();
            throw e;
        }
        if (status == 200) {
            length = c.contentLength();
            raw = c;
            if (position > 0) {
                // the server sent the whole file again: discard what we already have
                skipRaw(position);
            }
            return true;
        }
        // 206
        try {
            resumedAt(c.header("Content-Range"));
        } catch (DownloadException e) {
            c.close();
            throw e;
        }
        raw = c;
        return true;
    }

    /** The request headers of both paths: can wait in the queue, who asks, no compression, resume point. */
    private Map<String, String> requestHeaders() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("X-RpiDeploy-Can-Wait", "1");
        h.put(Decoders.DECOMPRESSES_HEADER, Decoders.DECOMPRESSES);
        if (client != null) {
            h.put("X-RpiDeploy-Client", client);
        }
        h.put("Accept-Encoding", "identity");
        if (position > 0) {
            h.put("Range", "bytes=" + position + "-");
            if (etag != null) {
                h.put("If-Range", etag);
            }
        }
        return h;
    }

    /** A 503 from the download queue: waits as told, within the queue limit. */
    private void waitInQueue(String retryAfter, String place, long started) throws DownloadException {
        long wait = retryAfterMillis(retryAfter);
        if (queueSpentMillis + wait > maxQueueMillis) {
            throw new DownloadException(ExitCode.DOWNLOAD_FAILED, "server kept the download queued for "
                    + queueSpentMillis / 1000 + " s (limit " + maxQueueMillis / 1000 + " s)");
        }
        events.accept("queued" + (place != null ? " at position " + place.trim() : "")
                + ", retrying in " + wait / 1000 + " s");
        sleep(wait);
        queueSpentMillis += System.currentTimeMillis() - started;
    }

    /** Checks that a 206 resumes exactly at {@link #position} and takes the file's length from it. */
    private void resumedAt(String contentRange) throws DownloadException {
        Matcher m = CONTENT_RANGE.matcher(String.valueOf(contentRange));
        if (!m.matches() || Long.parseLong(m.group(1)) != position) {
            throw new DownloadException(ExitCode.DOWNLOAD_FAILED, "resume at byte " + position
                    + " answered with Content-Range " + contentRange);
        }
        if (!m.group(3).equals("*")) {
            length = Long.parseLong(m.group(3));
        }
    }

    /** Reads and drops {@code n} body bytes of the raw answer (a 200 to a resume). */
    private void skipRaw(long n) throws IOException {
        ByteBuffer drop = ByteBuffer.allocate((int) Math.min(n, 1 << 16));
        long left = n;
        while (left > 0) {
            drop.clear().limit((int) Math.min(drop.capacity(), left));
            int r = raw.read(drop);
            if (r < 0) {
                throw new EOFException("connection ended while skipping to byte " + n);
            }
            left -= r;
        }
    }

    private void checkEtag(String answerEtag) throws DownloadException {
        if (answerEtag == null) {
            return;
        }
        if (etag != null && !etag.equals(answerEtag)) {
            throw new DownloadException(ExitCode.DOWNLOAD_FAILED, "image changed on the server during the "
                    + "download (ETag " + etag + " -> " + answerEtag + ")");
        }
        etag = answerEtag;
    }

    static long retryAfterMillis(String header) {
        try {
            long s = Long.parseLong(header.trim());
            return Math.max(1, Math.min(s, 300)) * 1000;
        } catch (RuntimeException e) {
            return 5000;
        }
    }

    private static void drain(HttpURLConnection c) {
        c.disconnect();
    }

    private void disconnect() {
        if (connection != null) {
            connection.disconnect();
        }
        if (raw != null) {
            raw.close();
        }
        connection = null;
        body = null;
        raw = null;
    }

    private static void sleep(long millis) throws DownloadException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DownloadException(ExitCode.DOWNLOAD_FAILED, "interrupted");
        }
    }

    @Override
    public void close() {
        disconnect();
    }

    /** GET of a small side file (the .bmap); null when absent (any non-200 answer). */
    public static byte[] fetchOptional(String url, String client, int maxBytes) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        try {
            c.setConnectTimeout(10_000);
            c.setReadTimeout(30_000);
            if (client != null) {
                c.setRequestProperty("X-RpiDeploy-Client", client);
            }
            if (c.getResponseCode() != 200) {
                return null;
            }
            try (InputStream in = c.getInputStream()) {
                byte[] data = in.readNBytes(maxBytes + 1);
                if (data.length > maxBytes) {
                    throw new IOException(url + " is larger than " + maxBytes + " bytes");
                }
                return data;
            }
        } finally {
            c.disconnect();
        }
    }

    /** HEAD: the status code and Content-Length (dry run). */
    public static long[] head(String url, String client) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        try {
            c.setRequestMethod("HEAD");
            c.setRequestProperty(Decoders.DECOMPRESSES_HEADER, Decoders.DECOMPRESSES);
            c.setConnectTimeout(10_000);
            c.setReadTimeout(30_000);
            if (client != null) {
                c.setRequestProperty("X-RpiDeploy-Client", client);
            }
            return new long[] {c.getResponseCode(), c.getContentLengthLong()};
        } finally {
            c.disconnect();
        }
    }
}
