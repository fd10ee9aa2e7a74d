package io.rpideploy.bench.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hostname assignments through {@code POST /api/hostname/assign}, as an operator's tool or many Pis would send
 * them: each client sends one request at a time and waits for the answer (closed loop).
 */
final class AssignmentLoad {

    /** Kart numbers per venue pool: 1..999. */
    static final int POOL_SIZE = 999;

    private static final Pattern HOSTNAME = Pattern.compile("\"hostname\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern ADDED = Pattern.compile("\"added\"\\s*:\\s*(\\d+)");

    private final HttpClient client;
    private final String base;
    private final String authorization;
    private final String runId;
    private final String[] venues;
    /** Every request gets the next number: its serial and its venue come from it, so no two collide. */
    private final AtomicInteger sequence = new AtomicInteger();
    /** Every hostname handed out in this run, over all levels, for the duplicate check. */
    private final Set<String> hostnames = ConcurrentHashMap.newKeySet();

    private final int port;

    AssignmentLoad(int port, String adminPassword, String runId, int venueCount) {
        this.port = port;
        // HTTP/1.1 only: the default (HTTP/2) would send an h2c upgrade header with every plain-HTTP request.
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.base = "http://127.0.0.1:" + port;
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString(("admin:" + adminPassword).getBytes(StandardCharsets.UTF_8));
        this.runId = runId;
        if (venueCount < 1 || venueCount > 99) {
            throw new IllegalArgumentException("venues BN01..BN99 only, asked for " + venueCount);
        }
        this.venues = new String[venueCount];
        for (int i = 0; i < venueCount; i++) {
            venues[i] = String.format("BN%02d", i + 1);
        }
    }

    /** Creates the venues and fills each pool with 1-999; fails on any unexpected answer. */
    void provision() throws IOException, InterruptedException {
        for (String venue : venues) {
            HttpResponse<String> created = post("/api/venues",
                    "{\"code\":\"" + venue + "\",\"name\":\"Bench " + venue + "\"}");
            if (created.statusCode() != 201) {
                throw new IllegalStateException("creating venue " + venue + ": " + created.statusCode() + " "
                        + created.body());
            }
            HttpResponse<String> pool = post("/api/kart-numbers",
                    "{\"venue_code\":\"" + venue + "\",\"numbers\":\"1-" + POOL_SIZE + "\"}");
            Matcher added = ADDED.matcher(pool.body());
            if (pool.statusCode() != 200 || !added.find() || Integer.parseInt(added.group(1)) != POOL_SIZE) {
                throw new IllegalStateException("filling pool " + venue + ": " + pool.statusCode() + " "
                        + pool.body());
            }
        }
    }

    int capacity() {
        return venues.length * POOL_SIZE;
    }

    /** Runs one level: at most {@code maxRequests}, and no new request after {@code maxTime}. */
    Level run(String label, int clients, int maxRequests, Duration maxTime) throws InterruptedException {
        if (sequence.get() + maxRequests > capacity()) {
            throw new IllegalStateException("not enough kart numbers left for " + label);
        }
        long[] latencies = new long[maxRequests];
        int[] statuses = new int[maxRequests];
        AtomicInteger taken = new AtomicInteger();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger withoutHostname = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long started = System.nanoTime();
        long deadline = started + maxTime.toNanos();
        for (int c = 0; c < clients; c++) {
            pool.execute(() -> {
                try (KeepAliveClient connection = new KeepAliveClient("127.0.0.1", port,
                        "Authorization: " + authorization + "\r\n")) {
                    while (System.nanoTime() < deadline) {
                        int i = taken.getAndIncrement();
                        if (i >= maxRequests) {
                            return;
                        }
                        long t0 = System.nanoTime();
                        Outcome outcome = assign(connection, sequence.getAndIncrement());
                        latencies[i] = System.nanoTime() - t0;
                        statuses[i] = outcome.status;
                        if (outcome.status == 200) {
                            if (outcome.hostname == null) {
                                withoutHostname.incrementAndGet();
                            } else if (!hostnames.add(outcome.hostname)) {
                                duplicates.incrementAndGet();
                            }
                        }
                    }
                }
            });
        }
        pool.shutdown();
        // Bounded: each request has its own timeout, so this only trips if something is badly wrong.
        if (!pool.awaitTermination(maxTime.toSeconds() + 120, TimeUnit.SECONDS)) {
            pool.shutdownNow();
            throw new IllegalStateException(label + ": clients still busy long after the time limit");
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        int done = Math.min(taken.get(), maxRequests);
        Map<String, Integer> failures = new TreeMap<>();
        int ok = 0;
        for (int i = 0; i < done; i++) {
            if (statuses[i] == 200) {
                ok++;
            } else {
                failures.merge(statuses[i] < 0 ? "io-error" : Integer.toString(statuses[i]), 1, Integer::sum);
            }
        }
        long[] sorted = Arrays.copyOf(latencies, done);
        Arrays.sort(sorted);
        return new Level(label, clients, done, ok, failures, duplicates.get(), withoutHostname.get(), seconds,
                percentileMillis(sorted, 0.50), percentileMillis(sorted, 0.99),
                done == 0 ? Double.NaN : sorted[done - 1] / 1e6);
    }

    int distinctHostnames() {
        return hostnames.size();
    }

    private Outcome assign(KeepAliveClient connection, int n) {
        String venue = venues[n / POOL_SIZE];
        String serial = "bench" + runId + String.format("%07d", n);
        String body = "{\"product_type\":\"KXP2\",\"venue_code\":\"" + venue + "\",\"serial_number\":\"" + serial
                + "\"}";
        try {
            KeepAliveClient.Answer response = connection.postJson("/api/hostname/assign", body);
            Matcher hostname = HOSTNAME.matcher(response.body());
            return new Outcome(response.status(), hostname.find() ? hostname.group(1) : null);
        } catch (IOException e) {
            return new Outcome(-1, null);
        }
    }

    private HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Nearest-rank percentile. */
    private static double percentileMillis(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }

    private record Outcome(int status, String hostname) {
    }

    /** The figures of one level; latencies cover every request of the level, whatever its answer. */
    record Level(String label, int clients, int requests, int ok, Map<String, Integer> failures, int duplicates,
                 int okWithoutHostname, double seconds, double p50Millis, double p99Millis, double maxMillis) {

        double perSecond() {
            return ok / seconds;
        }

        int nonOk() {
            return requests - ok;
        }
    }
}
