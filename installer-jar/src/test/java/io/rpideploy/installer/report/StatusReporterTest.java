package io.rpideploy.installer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class StatusReporterTest {

    @Test
    void undeliveredReportsAreRetriedAndProgressIsCoalesced() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        AtomicBoolean down = new AtomicBoolean(true);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/status", x -> {
            String body = new String(x.getRequestBody().readAllBytes());
            if (!down.get()) {
                received.add(body);
            }
            x.sendResponseHeaders(down.get() ? 503 : 200, -1);
            x.close();
        });
        server.start();
        try (StatusReporter reporter = new StatusReporter("http://127.0.0.1:" + server.getAddress().getPort(),
                "abc", "2c:cf:67:00:00:01", m -> { })) {
            reporter.send(StatusReporter.Status.STARTING, "hello");
            for (int i = 1; i <= 50; i++) {
                reporter.send(StatusReporter.Status.DOWNLOADING, "writing", null,
                        new StatusReporter.Progress(i, i, 100L, 1));
            }
            reporter.flush(500); // the server fails: nothing is lost, nothing throws
            assertTrue(received.isEmpty());
            down.set(false);
            reporter.flush(10_000);
        } finally {
            server.stop(0);
        }
        assertEquals(2, received.size(), received.toString());
        assertTrue(received.get(0).contains("\"status\":\"starting\""), received.get(0));
        assertTrue(received.get(1).contains("\"progress\":50"), received.get(1));
    }

    @Test
    void anUnreachableServerIsNeverFatal() {
        long t0 = System.nanoTime();
        try (StatusReporter reporter = new StatusReporter("http://127.0.0.1:1", "abc", null, m -> { })) {
            reporter.send(StatusReporter.Status.FAILED, "x");
            reporter.flush(300);
        }
        assertTrue((System.nanoTime() - t0) / 1e9 < 15);
    }
}
