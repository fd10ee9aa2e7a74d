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

    /**
     * A "starting" report the server has not taken when the config answer arrives must never reach it later: it
     * would move the configured run back to "starting" (seen with 50 boards on a busy server, after which the
     * server ignored the board's later reports as out of order).
     */
    @Test
    void aStartingReportStillQueuedWhenTheRunIsAssignedIsDropped() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        AtomicBoolean down = new AtomicBoolean(true);
        HttpServer server = statusServer(received, down);
        try (StatusReporter reporter = new StatusReporter("http://127.0.0.1:" + server.getAddress().getPort(),
                "abc", "2c:cf:67:00:00:01", m -> { })) {
            reporter.send(StatusReporter.Status.STARTING, "hello");
            reporter.flush(500);
            reporter.assigned("KXP2-CORO-001", 7L, "token");
            down.set(false);
            reporter.send(StatusReporter.Status.DOWNLOADING, "downloading");
            reporter.flush(10_000);
        } finally {
            server.stop(0);
        }
        assertEquals(1, received.size(), received.toString());
        assertTrue(received.get(0).contains("\"status\":\"downloading\"")
                && received.get(0).contains("\"deployment_id\":7"), received.get(0));
    }

    /** The final report is worth more than 10 s of waiting: the server decides the board's next boot from it. */
    @Test
    void closeWaitsForTheFinalReportOfASlowServer() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        AtomicBoolean down = new AtomicBoolean(true);
        HttpServer server = statusServer(received, down);
        List<String> said = new CopyOnWriteArrayList<>();
        Thread recovers = new Thread(() -> {
            try {
                Thread.sleep(12_000); // longer than close()'s first 10 s
                down.set(false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (StatusReporter reporter = new StatusReporter("http://127.0.0.1:" + server.getAddress().getPort(),
                "abc", "2c:cf:67:00:00:01", said::add)) {
            reporter.finalWait(20_000);
            reporter.assigned("KXP2-CORO-001", 7L, "token");
            reporter.send(StatusReporter.Status.SUCCESS, "done");
            recovers.start();
        } finally {
            recovers.join();
            server.stop(0);
        }
        assertEquals(1, received.size(), "the success report was delivered after the server came back: " + said);
        assertTrue(received.get(0).contains("\"status\":\"success\""), received.get(0));
        assertTrue(said.stream().anyMatch(l -> l.startsWith("waiting up to 20 s")), said.toString());
    }

    private static HttpServer statusServer(List<String> received, AtomicBoolean down) throws Exception {
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
        return server;
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
