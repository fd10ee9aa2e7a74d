package io.rpideploy.installer.download;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One plain-HTTP/1.1 GET on a SocketChannel, for the image body only. HttpURLConnection can only hand the body
 * over through an InputStream: the kernel copies it into a temporary direct buffer, the JDK copies that into the
 * caller's array, and the writer copies the array into its direct write buffer. Here the kernel copies the body
 * straight into the writer's buffer ({@link #read(ByteBuffer)}): two copies fewer per byte, which counts where a
 * raw image arrives as fast as the two cores can hash it (docs/performance.md, Installer).
 *
 * <p>Deliberately narrow: {@code http://} without a proxy, and only answers it fully understands (a
 * Content-Length body, no Transfer-Encoding); {@link #understood} says when the caller should ask again through
 * HttpURLConnection instead (redirects, chunked bodies, authentication, anything odd). Read timeouts as
 * HttpURLConnection's (a Selector wait per empty read).
 */
final class RawHttp implements Closeable {

    private static final int MAX_HEAD = 64 << 10;

    private final SocketChannel channel;
    private final Selector selector;
    private final int readTimeoutMillis;
    private final ByteBuffer head = ByteBuffer.allocate(MAX_HEAD);
    private int status;
    private final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private long remaining = -1;

    private RawHttp(SocketChannel channel, int readTimeoutMillis) throws IOException {
        this.channel = channel;
        this.readTimeoutMillis = readTimeoutMillis;
        this.selector = Selector.open();
    }

    /** Whether {@code url} can be fetched this way: plain http and no proxy configured for it. */
    static boolean eligible(String url) {
        try {
            URI uri = new URI(url);
            if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getRawUserInfo() != null) {
                return false;
            }
            ProxySelector ps = ProxySelector.getDefault();
            if (ps != null) {
                List<Proxy> proxies = ps.select(uri);
                for (Proxy p : proxies) {
                    if (p.type() != Proxy.Type.DIRECT) {
                        return false;
                    }
                }
            }
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** Connects, sends the GET with {@code requestHeaders} and reads the answer's status line and headers. */
    static RawHttp get(String url, Map<String, String> requestHeaders, int connectTimeoutMillis,
                       int readTimeoutMillis) throws IOException {
        URI uri = URI.create(url);
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        SocketChannel ch = SocketChannel.open();
        RawHttp h = null;
        try {
            ch.socket().connect(new InetSocketAddress(uri.getHost(), port), connectTimeoutMillis);
            ch.socket().setTcpNoDelay(true);
            h = new RawHttp(ch, readTimeoutMillis);
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            if (uri.getRawQuery() != null) {
                path += "?" + uri.getRawQuery();
            }
            StringBuilder req = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(uri.getHost()).append(uri.getPort() < 0 ? "" : ":" + port).append("\r\n")
                    .append("User-Agent: Java/").append(System.getProperty("java.version")).append("\r\n")
                    .append("Accept: */*\r\n")
                    .append("Connection: close\r\n");
            for (Map.Entry<String, String> e : requestHeaders.entrySet()) {
                req.append(e.getKey()).append(": ").append(e.getValue()).append("\r\n");
            }
            ByteBuffer out = ByteBuffer.wrap(req.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ch.configureBlocking(false);
            ch.register(h.selector, SelectionKey.OP_READ);
            h.readHead();
            return h;
        } catch (IOException | RuntimeException e) {
            if (h != null) {
                h.close();
            } else {
                ch.close();
            }
            throw e;
        }
    }

    private void readHead() throws IOException {
        int end;
        while ((end = headEnd()) < 0) {
            if (!head.hasRemaining()) {
                throw new IOException("HTTP answer head longer than " + MAX_HEAD + " bytes");
            }
            if (readSome(head) < 0) {
                throw new IOException("connection closed before the HTTP answer head ended");
            }
        }
        String text = new String(head.array(), 0, end, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x answer: " + lines[0]);
        }
        try {
            status = Integer.parseInt(statusLine[1]);
        } catch (NumberFormatException e) {
            throw new IOException("bad HTTP status line: " + lines[0]);
        }
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                String name = lines[i].substring(0, colon).trim();
                String value = lines[i].substring(colon + 1).trim();
                // repeated headers: keep them all, like HttpURLConnection's getHeaderField would see the last
                headers.merge(name, value, (a, b) -> a + ", " + b);
            }
        }
        String length = headers.get("Content-Length");
        if (length != null) {
            try {
                remaining = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                remaining = -1;
            }
        }
        // what follows the head is the start of the body
        head.flip().position(end + 4);
    }

    /** Offset of the blank line ending the head, or -1. */
    private int headEnd() {
        byte[] a = head.array();
        for (int i = 3; i < head.position(); i++) {
            if (a[i] == '\n' && a[i - 1] == '\r' && a[i - 2] == '\n' && a[i - 3] == '\r') {
                return i - 3;
            }
        }
        return -1;
    }

    int status() {
        return status;
    }

    /** A header of the answer, or null. */
    String header(String name) {
        return headers.get(name);
    }

    /** Content-Length, or -1. */
    long contentLength() {
        String te = headers.get("Transfer-Encoding");
        return te != null && !te.trim().toLowerCase(Locale.ROOT).equals("identity") ? -1 : remaining;
    }

    /** A body this class can read: 200/206 with a Content-Length and no transfer coding; or a 5xx. */
    boolean understood() {
        return status >= 500 || ((status == 200 || status == 206) && contentLength() >= 0);
    }

    /** Reads body bytes into {@code dst}; -1 at the end of the body or when the connection ends early. */
    int read(ByteBuffer dst) throws IOException {
        if (remaining == 0) {
            return -1;
        }
        if (!dst.hasRemaining()) {
            return 0;
        }
        int limit = dst.limit();
        if (remaining > 0 && dst.remaining() > remaining) {
            dst.limit(dst.position() + (int) remaining);
        }
        try {
            int n;
            if (head.hasRemaining()) {
                n = Math.min(head.remaining(), dst.remaining());
                dst.put(head.array(), head.position(), n);
                head.position(head.position() + n);
            } else {
                n = readSome(dst);
            }
            if (n > 0 && remaining > 0) {
                remaining -= n;
            }
            return n;
        } finally {
            dst.limit(limit);
        }
    }

    /** At least one byte, or -1; waits at most the read timeout for data. */
    private int readSome(ByteBuffer dst) throws IOException {
        long deadline = 0;
        while (true) {
            int n = channel.read(dst);
            if (n != 0) {
                return n;
            }
            if (Thread.currentThread().isInterrupted()) {
                // select would return at once, again and again
                throw new InterruptedIOException("interrupted while reading the image");
            }
            long now = System.nanoTime();
            if (deadline == 0) {
                deadline = now + readTimeoutMillis * 1_000_000L;
            } else if (now - deadline >= 0) {
                throw new SocketTimeoutException("Read timed out");
            }
            selector.select(Math.max(1, (deadline - now) / 1_000_000L));
            selector.selectedKeys().clear();
        }
    }

    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException e) {
            // nothing to do
        }
        try {
            channel.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
