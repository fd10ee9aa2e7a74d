package io.rpideploy.installer.download;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.rpideploy.installer.FakeDeploymentServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The served-image stream on its RawHttp path (direct buffers) and its fall-back to HttpURLConnection. */
class ImageStreamTest {

    @TempDir
    Path dir;

    private static byte[] data(int size) {
        byte[] d = new byte[size];
        new Random(21).nextBytes(d);
        return d;
    }

    private static String sha(byte[] d) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(d));
    }

    /** Reads the whole stream into direct buffers, as the writer does. */
    private static byte[] readDirect(ImageStream s, int size) throws IOException {
        ByteBuffer all = ByteBuffer.allocateDirect(size + 100);
        ByteBuffer buf = ByteBuffer.allocateDirect(300_001);
        while (s.read(buf.clear()) >= 0) {
            all.put(buf.flip());
        }
        byte[] out = new byte[all.position()];
        all.flip().get(out);
        return out;
    }

    @Test
    void plainHttpIsReadIntoDirectBuffersResumedAfterACutAndHashed() throws Exception {
        byte[] image = data(5_000_000);
        Path file = Files.write(dir.resolve("img.raw"), image);
        List<String> events = new ArrayList<>();
        try (FakeDeploymentServer server = new FakeDeploymentServer()) {
            String url = server.publish("img.raw", file);
            assertTrue(RawHttp.eligible(url));
            server.busyOnce();
            server.cutOnceAt(3_000_000);
            try (ImageStream s = new ImageStream(url, "c1", 60_000, 60_000, true, events::add)) {
                assertArrayEquals(image, readDirect(s, image.length));
                assertEquals(image.length, s.position());
                assertEquals(image.length, s.length());
                assertEquals(1, s.reconnects());
                assertEquals(sha(image), s.sha256Hex());
            }
            assertTrue(events.get(0).startsWith("queued at position 3"), events.toString());
            assertTrue(events.get(1).startsWith("connection lost at byte 3000000"), events.toString());
            List<String> requests = server.imageRequests();
            assertEquals(3, requests.size(), requests.toString());
            assertTrue(requests.get(2).startsWith("GET img.raw bytes=3000000-"), requests.toString());
        }
    }

    /**
     * A server killed mid-download comes back: its listener answers 404 to everything (and to /health) until the
     * application is deployed. That is waited out like an outage; a 404 from a server whose /health is up is not.
     */
    @Test
    void a404WhileTheServerIsStartingIsWaitedOutButNotFromAServerThatIsUp() throws Exception {
        byte[] image = data(2_000_000);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean up = new java.util.concurrent.atomic.AtomicBoolean(true);
        server.createContext("/health", x -> {
            x.sendResponseHeaders(up.get() ? 200 : 404, -1);
            x.close();
        });
        server.createContext("/img", x -> {
            int call = calls.incrementAndGet();
            String range = x.getRequestHeaders().getFirst("Range");
            if (call == 1) { // half the image, then the "kill"
                x.sendResponseHeaders(200, image.length);
                x.getResponseBody().write(image, 0, 800_000);
                up.set(false);
                x.close();
            } else if (call <= 4) { // restarting: no application yet
                x.sendResponseHeaders(404, -1);
                x.close();
            } else {
                up.set(true);
                long from = Long.parseLong(range.substring("bytes=".length(), range.indexOf('-')));
                x.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (image.length - 1) + "/"
                        + image.length);
                x.sendResponseHeaders(206, image.length - from);
                try (OutputStream out = x.getResponseBody()) {
                    out.write(image, (int) from, (int) (image.length - from));
                }
            }
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/img";
        List<String> events = new ArrayList<>();
        try {
            try (ImageStream s = new ImageStream(url, "c3", 60_000, 10_000, true, events::add)) {
                assertArrayEquals(image, readDirect(s, image.length));
                assertEquals(sha(image), s.sha256Hex());
            }
            assertTrue(events.stream().anyMatch(e -> e.contains("HTTP 404 while the server is not up")),
                    events.toString());
            // the same 404 from a server that is up: the image is gone, no waiting
            calls.set(2);
            try (ImageStream s = new ImageStream(url, "c4", 60_000, 10_000, true, events::add)) {
                DownloadException gone = org.junit.jupiter.api.Assertions.assertThrows(DownloadException.class,
                        () -> readDirect(s, image.length));
                assertTrue(gone.getMessage().contains("HTTP 404"), gone.getMessage());
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aChunkedAnswerIsAskedAgainThroughHttpUrlConnection() throws Exception {
        byte[] image = data(1_000_000);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        List<String> requests = new ArrayList<>();
        server.createContext("/img", x -> {
            synchronized (requests) {
                requests.add(x.getRequestMethod() + " " + x.getRequestHeaders().getFirst("X-RpiDeploy-Client") + " "
                        + x.getRequestHeaders().getFirst("X-RpiDeploy-Decompresses"));
            }
            x.sendResponseHeaders(200, 0); // chunked
            try (OutputStream out = x.getResponseBody()) {
                out.write(image);
            }
        });
        server.start();
        try (ImageStream s = new ImageStream("http://127.0.0.1:" + server.getAddress().getPort() + "/img", "c2",
                10_000, 10_000, true, e -> { })) {
            assertArrayEquals(image, readDirect(s, image.length));
            assertEquals(sha(image), s.sha256Hex());
        } finally {
            server.stop(0);
        }
        // both paths say the installer decompresses: the server then sends a compressed image as stored
        assertEquals(List.of("GET c2 gz, xz, zst", "GET c2 gz, xz, zst"), requests);
    }

    @Test
    void aSilentServerIsAReadTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, java.net.InetAddress.getByName("127.0.0.1"))) {
            Thread accept = new Thread(() -> {
                try (Socket s = silent.accept()) {
                    Thread.sleep(5000);
                } catch (Exception e) {
                    // test over
                }
            });
            accept.setDaemon(true);
            accept.start();
            long t0 = System.nanoTime();
            assertThrows(SocketTimeoutException.class, () -> RawHttp.get("http://127.0.0.1:" + silent.getLocalPort()
                    + "/x", Map.of(), 1000, 300));
            assertTrue(System.nanoTime() - t0 < 3_000_000_000L);
        }
    }

    @Test
    void onlyPlainHttpWithoutProxyIsEligible() {
        assertTrue(RawHttp.eligible("http://10.0.0.1:8080/images/a.img?x=1"));
        assertFalse(RawHttp.eligible("https://10.0.0.1/images/a.img"));
        assertFalse(RawHttp.eligible("ftp://10.0.0.1/a.img"));
        assertFalse(RawHttp.eligible("http://user:pw@10.0.0.1/a.img"));
    }
}
