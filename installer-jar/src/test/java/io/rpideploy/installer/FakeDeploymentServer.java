package io.rpideploy.installer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.rpideploy.installer.http.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The deployment API as the installer sees it, on 127.0.0.1: /api/config (answer set by the test), /api/status
 * (recorded), /images/NAME served from files with HEAD, Range, ETag/If-Range; it can cut one download at a
 * given byte and answer 503 + Retry-After once (admission queue).
 */
public final class FakeDeploymentServer implements AutoCloseable {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");
    private final HttpServer server;
    private final Map<String, Path> files = new ConcurrentHashMap<>();
    private final List<Map<String, Object>> statuses = new ArrayList<>();
    private final List<String> imageRequests = new ArrayList<>();
    private volatile Map<String, Object> config;
    private volatile int configStatus = 200;
    private volatile String configError;
    private volatile long cutAt = -1;
    private final AtomicBoolean busyOnce = new AtomicBoolean();

    public FakeDeploymentServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/health", x -> { // as the real server: the application is up
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        server.createContext("/api/config", this::config);
        server.createContext("/api/status", this::status);
        server.createContext("/images/", this::image);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Publishes a file at /images/NAME; returns its URL. */
    public String publish(String name, Path file) {
        files.put(name, file);
        return url() + "/images/" + name;
    }

    /** The next /api/config answer: hostname and image (size and checksum from the file). */
    public void configure(String hostname, String name, Path file, Long rawSize, String rawSha) throws IOException {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("server_ip", "127.0.0.1");
        c.put("hostname", hostname);
        c.put("product_type", "KXP2");
        c.put("venue_code", "CORO");
        c.put("image_url", publish(name, file));
        c.put("image_size", Files.size(file));
        c.put("image_checksum", TestImages.sha256(file));
        c.put("version", "2026.11-1");
        c.put("timestamp", "2026-11-25T10:00:00Z");
        c.put("deployment_id", 17);
        c.put("image_uncompressed_size", rawSize);
        c.put("image_uncompressed_checksum", rawSha);
        this.config = c;
        this.configStatus = 200;
    }

    public Map<String, Object> config() {
        return config;
    }

    public void refuseConfig(int status, String error) {
        this.configStatus = status;
        this.configError = error;
    }

    /** Cuts the next image download after this byte offset (once). */
    public void cutOnceAt(long offset) {
        cutAt = offset;
    }

    public void busyOnce() {
        busyOnce.set(true);
    }

    public synchronized List<Map<String, Object>> statuses() {
        return new ArrayList<>(statuses);
    }

    public synchronized List<String> imageRequests() {
        return new ArrayList<>(imageRequests);
    }

    private void config(HttpExchange x) throws IOException {
        x.getRequestBody().readAllBytes();
        if (configStatus != 200) {
            send(x, configStatus, Json.write(Map.of("error", configError, "message", "no hostname for this board",
                    "field", "venue_code")));
            return;
        }
        send(x, 200, Json.write(config));
    }

    private void status(HttpExchange x) throws IOException {
        Map<String, Object> body = Json.parseObject(new String(x.getRequestBody().readAllBytes(),
                StandardCharsets.UTF_8));
        synchronized (this) {
            statuses.add(body);
        }
        send(x, 200, "{\"received\":true}");
    }

    private void image(HttpExchange x) throws IOException {
        String name = x.getRequestURI().getPath().substring("/images/".length());
        Path file = files.get(name);
        synchronized (this) {
            imageRequests.add(x.getRequestMethod() + " " + name + " " + x.getRequestHeaders().getFirst("Range")
                    + " client=" + x.getRequestHeaders().getFirst("X-RpiDeploy-Client"));
        }
        if (file == null) {
            x.getResponseHeaders().add("Content-Type", "application/json");
            send(x, 404, "{\"error\":\"not_found\",\"message\":\"no such image\"}");
            return;
        }
        if (!name.endsWith(".bmap") && busyOnce.getAndSet(false)) {
            x.getResponseHeaders().add("Retry-After", "1");
            x.getResponseHeaders().add("X-RpiDeploy-Queue-Position", "3");
            send(x, 503, "{\"error\":\"busy\",\"message\":\"queued\"}");
            return;
        }
        long size = Files.size(file);
        String etag = "\"" + size + "-" + Files.getLastModifiedTime(file).toMillis() + "\"";
        x.getResponseHeaders().add("ETag", etag);
        x.getResponseHeaders().add("Accept-Ranges", "bytes");
        long start = 0;
        int status = 200;
        String range = x.getRequestHeaders().getFirst("Range");
        String ifRange = x.getRequestHeaders().getFirst("If-Range");
        if (range != null && (ifRange == null || ifRange.equals(etag))) {
            Matcher m = RANGE.matcher(range);
            if (m.matches()) {
                start = Long.parseLong(m.group(1));
                status = 206;
                x.getResponseHeaders().add("Content-Range", "bytes " + start + "-" + (size - 1) + "/" + size);
            }
        }
        long length = size - start;
        if (x.getRequestMethod().equals("HEAD")) {
            x.getResponseHeaders().add("Content-Length", String.valueOf(length));
            x.sendResponseHeaders(status, -1);
            x.close();
            return;
        }
        x.sendResponseHeaders(status, length);
        long cut = name.endsWith(".bmap") ? -1 : cutAt;
        try (FileChannel ch = FileChannel.open(file); OutputStream out = x.getResponseBody()) {
            byte[] buf = new byte[1 << 20];
            ByteBuffer bb = ByteBuffer.wrap(buf);
            long pos = start;
            while (pos < size) {
                int want = (int) Math.min(buf.length, size - pos);
                if (cut > pos && cut < pos + want) {
                    want = (int) (cut - pos);
                }
                bb.clear().limit(want);
                int n = ch.read(bb, pos);
                out.write(buf, 0, n);
                pos += n;
                if (pos == cut) {
                    cutAt = -1;
                    out.flush();
                    // drop the connection mid-body
                    x.getHttpContext().getServer();
                    throw new IOException("cut at " + pos);
                }
            }
        }
    }

    private static void send(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
