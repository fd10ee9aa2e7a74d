package io.rpideploy.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The database faults of issue 14, against the distribution as users run it, while clients keep assigning
 * hostnames, creating venues and asking {@code /api/config}:
 * <ol>
 * <li>an outside {@code sqlite3} holds {@code BEGIN EXCLUSIVE} for 20 s (a careless backup): requests wait or get
 * a clear 503, and writes go through again once it lets go;</li>
 * <li>the database files become unwritable for 5 s: 503 (never 500) while they are, {@code /health} says the
 * database is down, and writes recover by themselves within seconds, without a restart.</li>
 * </ol>
 * Every write acknowledged before, during or after is in the database afterwards, which passes SQLite's integrity
 * check. The server runs as root here, and root ignores file permissions: the files are made unwritable with
 * {@code chattr +i} (the immutable flag binds root, and writes through descriptors already open). Only
 * {@code rpideploy.db} and its {@code -wal}: SQLite maps {@code -shm} into memory, and an immutable mapped file
 * kills the process with SIGBUS, which no server survives and no disk fault produces.
 */
class DatabaseFaultsIT {

    private static final int MANAGEMENT = 17300;
    private static final int DEPLOYMENT = 17301;
    private static final int CLIENTS = 4;
    private static final Duration LOCK = Duration.ofSeconds(20);
    private static final Duration UNWRITABLE = Duration.ofSeconds(5);
    /** Writes must go through again this soon after a fault ends. */
    private static final Duration RECOVERY = Duration.ofSeconds(5);

    /** One client request and what came of it. */
    record Outcome(Instant at, String what, int status, String body, String retryAfter) {
    }

    private final Map<String, String> acknowledgedHostnames = new ConcurrentHashMap<>();
    private final Set<String> acknowledgedVenues = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Outcome> health = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> transportFailures = new ConcurrentLinkedQueue<>();
    private final AtomicInteger serials = new AtomicInteger();
    private final AtomicInteger venues = new AtomicInteger();
    private final AtomicLong longestWaitMillis = new AtomicLong();

    @Test
    void lockedOrUnwritableDatabaseGets503AndRecoversWithoutARestart() throws Exception {
        Path home = BootLab.freshDir(Path.of(System.getProperty("rpideploy.it.home"))
                .resolveSibling("database-faults-home"));
        assumeTrue(immutableFlagWorks(home), "chattr +i is not supported on " + home);
        assumeTrue(new ProcessBuilder("sqlite3", "-version").start().waitFor() == 0, "sqlite3 is not installed");
        Path log = home.resolveSibling("database-faults-server.log");
        Files.deleteIfExists(log);
        Path database = home.resolve("rpideploy.db");
        String password = "it-" + UUID.randomUUID();

        try (Server server = Server.start(home, MANAGEMENT, DEPLOYMENT, password, log)) {
            server.awaitHealthy(Duration.ofSeconds(180));
            assertEquals(201, server.post("/api/venues", "{\"code\":\"DBFT\",\"name\":\"Faults\"}").statusCode());
            assertEquals(200, server.post("/api/kart-numbers",
                    "{\"venue_code\":\"DBFT\",\"numbers\":\"1-999\"}").statusCode());

            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS + 1);
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.submit(() -> drive(server, client, stop));
            }
            clients.submit(() -> watchHealth(server, stop));
            try {
                Thread.sleep(3000);
                assertTrue(acknowledgedHostnames.size() > 5, "writes go through before any fault");

                // 1. a careless backup: an outside sqlite3 holds the write lock for 20 s
                Instant lockStart = Instant.now();
                Instant lockEnd = holdExclusiveLock(database, LOCK);
                Thread.sleep(RECOVERY.plusSeconds(3).toMillis());

                // 2. the files cannot be written for 5 s
                Instant unwritableStart = Instant.now();
                chattr("+i", database);
                Thread.sleep(UNWRITABLE.toMillis());
                chattr("-i", database);
                Instant unwritableEnd = Instant.now();
                Thread.sleep(RECOVERY.plusSeconds(5).toMillis());
                stop.set(true);

                report(lockStart, lockEnd, unwritableStart, unwritableEnd);
                assertTrue(transportFailures.isEmpty(), "requests that neither waited nor got an answer: "
                        + transportFailures);
                for (Outcome o : outcomes) {
                    boolean ok = o.status() == 200 || o.status() == 201
                            || o.what().equals("config") && o.status() == 404 // no active image here
                            || unavailable(o);
                    assertTrue(ok, "neither success nor a clear 503: " + o);
                }
                assertRecovered("after the lock", lockEnd);
                assertRecovered("after the unwritable files", unwritableEnd);
                assertTrue(health.stream().anyMatch(h -> h.at().isAfter(unwritableStart)
                                && h.at().isBefore(unwritableEnd) && h.status() == 503
                                && h.body().contains("\"database\":{") && databaseDown(h.body())),
                        "/health said the database was down while it could not be written: " + health);
                assertTrue(outcomes.stream().anyMatch(o -> o.at().isAfter(unwritableStart)
                        && o.at().isBefore(unwritableEnd) && unavailable(o)), "writes failed (503) while unwritable");
                HttpResponse<String> after = server.get("/health", false);
                assertEquals(200, after.statusCode(), after.body());
            } finally {
                stop.set(true);
                chattr("-i", database);
                clients.shutdown();
                assertTrue(clients.awaitTermination(60, TimeUnit.SECONDS));
            }
            assertEverythingAcknowledgedIsStored(server);
        }
        assertEquals("ok", Server.integrityCheck(database));
    }

    /** One client: assignments, venue creations and /api/config, one after another, until told to stop. */
    private void drive(Server server, int client, AtomicBoolean stop) {
        Instant until = Instant.now().plusSeconds(150); // bounded whatever happens
        int round = 0;
        while (!stop.get() && Instant.now().isBefore(until)) {
            round++;
            try {
                Instant sent = Instant.now();
                int board = serials.incrementAndGet();
                if (board > 950) {
                    return; // the venue has 999 numbers: never a 409 for an exhausted pool
                }
                String serial = String.format("f%015d", board);
                HttpResponse<String> assign = server.post("/api/hostname/assign", "{\"product_type\":\"KXP2\","
                        + "\"venue_code\":\"DBFT\",\"serial_number\":\"" + serial + "\"}");
                record("assign", assign, sent);
                if (assign.statusCode() == 200) {
                    acknowledgedHostnames.put(Server.json(assign.body()).getString("hostname"), serial);
                }
                if (round % 3 == client % 3) {
                    String code = "Q" + Integer.toString(46656 + venues.incrementAndGet(), 36)
                            .substring(1).toUpperCase();
                    sent = Instant.now();
                    HttpResponse<String> venue = server.post("/api/venues",
                            "{\"code\":\"" + code + "\",\"name\":\"Venue " + code + "\"}");
                    record("venue", venue, sent);
                    if (venue.statusCode() == 201) {
                        acknowledgedVenues.add(code);
                    }
                }
                if (round % 4 == client % 4) {
                    sent = Instant.now();
                    HttpResponse<String> config = Server.HTTP.send(HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + DEPLOYMENT + "/api/config"))
                            .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"product_type\":\"KXP2\",\"venue_code\":"
                                    + "\"DBFT\",\"serial_number\":\"" + serial + "\"}")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    record("config", config, sent);
                }
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | RuntimeException e) {
                transportFailures.add(Instant.now() + " " + e);
            }
        }
    }

    private void watchHealth(Server server, AtomicBoolean stop) {
        Instant until = Instant.now().plusSeconds(150);
        while (!stop.get() && Instant.now().isBefore(until)) {
            try {
                HttpResponse<String> h = server.get("/health", false);
                health.add(new Outcome(Instant.now(), "health", h.statusCode(), h.body(), null));
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException e) {
                transportFailures.add(Instant.now() + " health " + e);
            }
        }
    }

    private void record(String what, HttpResponse<String> response, Instant sent) {
        longestWaitMillis.accumulateAndGet(Duration.between(sent, Instant.now()).toMillis(), Math::max);
        outcomes.add(new Outcome(Instant.now(), what, response.statusCode(), response.body(),
                response.headers().firstValue("Retry-After").orElse(null)));
    }

    /** A clear 503: our JSON shape, a Retry-After, no stack trace. */
    private static boolean unavailable(Outcome o) {
        return o.status() == 503 && o.retryAfter() != null && o.body().startsWith("{")
                && Server.json(o.body()).getString("error", "").equals("unavailable") && !o.body().contains("Exception")
                && !o.body().contains("\tat ");
    }

    private static boolean databaseDown(String healthBody) {
        return Server.json(healthBody).getJsonObject("checks").getJsonObject("database").getString("status").equals("down");
    }

    /** Within RECOVERY after the fault's end writes go through, and from then on every write does. */
    private void assertRecovered(String when, Instant end) {
        Instant deadline = end.plus(RECOVERY);
        List<Outcome> writes = outcomes.stream().filter(o -> !o.what().equals("config")).toList();
        assertTrue(writes.stream().anyMatch(o -> o.at().isAfter(end) && o.at().isBefore(deadline)
                && (o.status() == 200 || o.status() == 201)), "a write succeeded within " + RECOVERY + " " + when);
        List<Outcome> failedLater = writes.stream().filter(o -> o.at().isAfter(deadline)
                && o.at().isBefore(deadline.plusSeconds(3)) && o.status() != 200 && o.status() != 201).toList();
        assertTrue(failedLater.isEmpty(), "writes still failing " + RECOVERY + " " + when + ": " + failedLater);
    }

    private void assertEverythingAcknowledgedIsStored(Server server) throws Exception {
        HttpResponse<String> slots = server.get("/api/venues/DBFT/slots?status=assigned&limit=1000", true);
        assertEquals(200, slots.statusCode(), slots.body());
        Map<String, String> stored = new ConcurrentHashMap<>();
        for (JsonValue slot : Server.json(slots.body()).getJsonArray("slots")) {
            stored.put(slot.asJsonObject().getString("hostname"), slot.asJsonObject().getString("serial_number"));
        }
        for (Map.Entry<String, String> ack : acknowledgedHostnames.entrySet()) {
            assertEquals(ack.getValue(), stored.get(ack.getKey()), "acknowledged " + ack.getKey() + " lost");
        }
        HttpResponse<String> list = server.get("/api/venues", true);
        assertEquals(200, list.statusCode(), list.body());
        Set<String> codes = new HashSet<>();
        for (JsonValue v : Server.json(list.body()).getJsonArray("venues")) {
            codes.add(v.asJsonObject().getString("code"));
        }
        assertTrue(codes.containsAll(acknowledgedVenues), "acknowledged venues lost: " + acknowledgedVenues);
    }

    /**
     * An outside {@code sqlite3} that takes the write lock, holds it for {@code hold}, then lets go. Returns when
     * it has let go.
     */
    private static Instant holdExclusiveLock(Path database, Duration hold) throws Exception {
        Process sqlite = new ProcessBuilder("sqlite3", database.toString()).redirectErrorStream(true).start();
        try (Writer in = new java.io.OutputStreamWriter(sqlite.getOutputStream(), StandardCharsets.UTF_8);
             BufferedReader out = new BufferedReader(new InputStreamReader(sqlite.getInputStream(),
                     StandardCharsets.UTF_8))) {
            in.write(".timeout 10000\nBEGIN EXCLUSIVE;\nSELECT 'locked';\n");
            in.flush();
            String line = out.readLine();
            assertEquals("locked", line, "the outside sqlite3 took the lock");
            Thread.sleep(hold.toMillis());
            in.write("ROLLBACK;\n.quit\n");
            in.flush();
            assertTrue(sqlite.waitFor(10, TimeUnit.SECONDS));
        } finally {
            sqlite.destroyForcibly();
        }
        return Instant.now();
    }

    /** The immutable flag on the database and its WAL (not -shm: see the class comment). */
    private static void chattr(String flag, Path database) throws Exception {
        for (Path file : List.of(database, database.resolveSibling(database.getFileName() + "-wal"))) {
            if (Files.exists(file)) {
                Process p = new ProcessBuilder("chattr", flag, file.toString()).inheritIO().start();
                assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "chattr " + flag + " " + file);
            }
        }
    }

    /** Whether this file system and user can set the immutable flag, and it then refuses writes. */
    private static boolean immutableFlagWorks(Path dir) throws Exception {
        Path probe = dir.resolve("chattr-probe");
        Files.writeString(probe, "x");
        try {
            Process p = new ProcessBuilder("chattr", "+i", probe.toString()).redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return false;
            }
            try {
                Files.writeString(probe, "y");
                return false;
            } catch (IOException refused) {
                return true;
            }
        } catch (IOException noChattr) {
            return false;
        } finally {
            new ProcessBuilder("chattr", "-i", probe.toString()).start().waitFor();
            Files.deleteIfExists(probe);
        }
    }

    private void report(Instant lockStart, Instant lockEnd, Instant unwritableStart, Instant unwritableEnd) {
        List<String> lines = new ArrayList<>();
        lines.add("lock " + lockStart + " .. " + lockEnd + ", unwritable " + unwritableStart + " .. " + unwritableEnd);
        lines.add("requests " + outcomes.size() + ", 503: " + outcomes.stream().filter(o -> o.status() == 503)
                .count() + ", acknowledged hostnames " + acknowledgedHostnames.size() + ", venues "
                + acknowledgedVenues.size() + ", health answers " + health.size() + " (503: "
                + health.stream().filter(h -> h.status() == 503).count() + "), longest wait " + longestWaitMillis.get()
                + " ms");
        lines.add("first write through after the lock " + firstSuccessAfter(lockEnd) + " ms, after the unwritable "
                + "files " + firstSuccessAfter(unwritableEnd) + " ms; /health 200 again after "
                + health.stream().filter(h -> h.at().isAfter(unwritableEnd) && h.status() == 200).findFirst()
                .map(h -> Duration.between(unwritableEnd, h.at()).toMillis() + " ms").orElse("never"));
        System.out.println(String.join("\n", lines));
    }

    private long firstSuccessAfter(Instant end) {
        return outcomes.stream().filter(o -> o.at().isAfter(end) && !o.what().equals("config")
                        && (o.status() == 200 || o.status() == 201))
                .mapToLong(o -> Duration.between(end, o.at()).toMillis()).min().orElse(-1);
    }
}
