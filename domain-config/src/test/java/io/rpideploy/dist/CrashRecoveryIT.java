package io.rpideploy.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's start command, then {@code kill -9} in the middle of a burst of assignments: after a restart on the
 * same data directory every assignment the server had acknowledged (200) is still there, for the same board, and
 * the database passes SQLite's integrity check.
 */
class CrashRecoveryIT {

    private static final int CLIENTS = 8;

    @Test
    void acknowledgedAssignmentsSurviveKillDashNine() throws Exception {
        Path home = BootLab.freshDir(Path.of(System.getProperty("rpideploy.it.home")));
        Path log = home.resolveSibling("crash-recovery-server.log");
        Files.deleteIfExists(log);
        String password = "it-" + UUID.randomUUID();
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        AtomicInteger failures = new AtomicInteger();

        try (Server first = Server.start(home, 17000, 17001, password, log)) {
            first.awaitHealthy(Duration.ofSeconds(180));
            assertEquals(201, first.post("/api/venues", "{\"code\":\"CRSH\",\"name\":\"Crash\"}").statusCode());
            assertEquals(200, first.post("/api/kart-numbers",
                    "{\"venue_code\":\"CRSH\",\"numbers\":\"1-999\"}").statusCode());

            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger serials = new AtomicInteger();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            for (int c = 0; c < CLIENTS; c++) {
                clients.submit(() -> {
                    // bounded: stops at the kill, at 900 boards, or after a minute
                    Instant until = Instant.now().plusSeconds(60);
                    while (!stop.get() && Instant.now().isBefore(until)) {
                        int board = serials.incrementAndGet();
                        if (board > 900) {
                            return;
                        }
                        String serial = String.format("c%015d", board);
                        try {
                            HttpResponse<String> reply = first.post("/api/hostname/assign", "{\"product_type\":"
                                    + "\"KXP2\",\"venue_code\":\"CRSH\",\"serial_number\":\"" + serial + "\"}");
                            if (reply.statusCode() == 200) {
                                acknowledged.put(Server.json(reply.body()).getString("hostname"), serial);
                            }
                        } catch (IOException | InterruptedException | RuntimeException cut) {
                            failures.incrementAndGet(); // the kill cuts requests in flight: never acknowledged
                        }
                    }
                });
            }
            Instant deadline = Instant.now().plusSeconds(60);
            while (acknowledged.size() < 150 && Instant.now().isBefore(deadline)) {
                Thread.sleep(20);
            }
            first.kill();
            stop.set(true);
            clients.shutdown();
            assertTrue(clients.awaitTermination(60, TimeUnit.SECONDS));
        }
        assertTrue(acknowledged.size() >= 150, "the burst was running when the server was killed: "
                + acknowledged.size());

        try (Server second = Server.start(home, 17000, 17001, password, log)) {
            second.awaitHealthy(Duration.ofSeconds(180));
            HttpResponse<String> slots = second.get("/api/venues/CRSH/slots?status=assigned&limit=1000", true);
            assertEquals(200, slots.statusCode(), slots.body());
            Map<String, String> stored = new HashMap<>();
            for (JsonValue slot : Server.json(slots.body()).getJsonArray("slots")) {
                stored.put(slot.asJsonObject().getString("hostname"), slot.asJsonObject().getString("serial_number"));
            }
            for (Map.Entry<String, String> ack : acknowledged.entrySet()) {
                assertEquals(ack.getValue(), stored.get(ack.getKey()), "acknowledged " + ack.getKey() + " lost");
            }
            // and the pool still hands out the lowest free number, distinct from every stored one
            HttpResponse<String> next = second.post("/api/hostname/assign",
                    "{\"product_type\":\"KXP2\",\"venue_code\":\"CRSH\",\"serial_number\":\"d000000000000001\"}");
            assertEquals(200, next.statusCode(), next.body());
            assertTrue(!stored.containsKey(Server.json(next.body()).getString("hostname")));
        }
        assertEquals("ok", Server.integrityCheck(home.resolve("rpideploy.db")));
    }
}
