package io.rpideploy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.rpideploy.it.Api.Reply;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * End to end: 20 simulated installers run the plan's sequence at once against the real war (status "starting",
 * config, a resumed download of the image in two ranges, checksum, the remaining states), half of them announcing
 * that they can wait for a download slot (503 + Retry-After), half as the plan's script (served at once). The
 * server keeps its default of 10 download slots, and the downloads are paced slowly enough that the queue is used.
 * Then every byte, every deployment row, the timeline, the stats and the daily log are checked.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DeploymentFlowIT {

    private static final int BOARDS = 20;
    private static final String VENUE = "FLOW";
    /**
     * Large enough that each range outlasts the server's output buffering: Grizzly queues several MiB per
     * connection beyond the socket, so with 4 MiB ranges the servlet had finished (and freed its slot) before the
     * slow board had read anything, and no one ever waited.
     */
    private static final int IMAGE_BYTES = 64 * 1024 * 1024;
    /** Slow reader, about 10 MiB/s: a pause after every READ_STEP bytes keeps each range on its slot for seconds. */
    private static final int READ_STEP = 256 * 1024;
    private static final long READ_PAUSE_MILLIS = 25;
    private static final Duration WHOLE_RUN = Duration.ofMinutes(3);

    @Deployment(testable = false)
    static WebArchive war() {
        return ItServer.war();
    }

    private final Api admin = Api.admin();

    @Test
    void twentyInstallersRunThePlansSequenceAtOnce() throws Exception {
        byte[] image = ItImages.disk(IMAGE_BYTES, 20261125L);
        JsonObject uploaded = ItImages.uploadActive(admin, "KXP2", "flow-1", "flow.img", image);
        assertEquals(sha256(image), uploaded.getString("checksum"), uploaded.toString());
        assertEquals(IMAGE_BYTES, uploaded.getJsonNumber("size_bytes").longValue(), uploaded.toString());
        compressedImageHasTheRawImagesFigures();

        Reply venue = admin.post("/api/venues", "{\"code\":\"" + VENUE + "\",\"name\":\"Flow test\"}");
        assertEquals(201, venue.status(), venue.toString());
        Reply pool = admin.post("/api/kart-numbers", "{\"venue_code\":\"" + VENUE + "\",\"numbers\":\"1-25\"}");
        assertEquals(200, pool.status(), pool.toString());

        List<Installer> installers = new ArrayList<>();
        for (int i = 1; i <= BOARDS; i++) {
            installers.add(new Installer(i, i % 2 == 0, image));
        }
        QueueWatch watch = new QueueWatch();
        Thread watcher = new Thread(watch, "download-queue-watch");
        ExecutorService pool20 = Executors.newFixedThreadPool(BOARDS);
        long started = System.nanoTime();
        List<Future<Result>> futures = new ArrayList<>();
        CountDownLatch ready = new CountDownLatch(BOARDS);
        try {
            watcher.start();
            for (Installer installer : installers) {
                futures.add(pool20.submit(() -> {
                    ready.countDown();
                    ready.await(30, TimeUnit.SECONDS); // all start together, so the slots are contended
                    return installer.install();
                }));
            }
            long deadline = started + WHOLE_RUN.toNanos();
            List<Result> results = new ArrayList<>();
            for (Future<Result> future : futures) {
                try {
                    results.add(future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (TimeoutException e) {
                    fail("installers not done within " + WHOLE_RUN.toSeconds() + " s");
                } catch (ExecutionException e) {
                    throw new AssertionError("an installer failed: " + e.getCause(), e.getCause());
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            watch.stop.set(true);
            watcher.join(10_000);
            checkRun(results, watch, seconds);
        } finally {
            watch.stop.set(true);
            pool20.shutdownNow();
            assertTrue(pool20.awaitTermination(30, TimeUnit.SECONDS), "installer threads did not stop");
        }
    }

    private void checkRun(List<Result> results, QueueWatch watch, double seconds) throws IOException {
        int waiters503 = results.stream().filter(r -> r.canWait).mapToInt(r -> r.refused).sum();
        int plain503 = results.stream().filter(r -> !r.canWait).mapToInt(r -> r.refused).sum();
        System.out.printf("DeploymentFlowIT: %d installers in %.1f s; 503s seen by waiting clients %d (by plain "
                        + "clients %d); queue watch: %d samples, max streaming %d, max waiting %d, errors %s%n",
                results.size(), seconds, waiters503, plain503, watch.samples.get(), watch.maxStreaming.get(),
                watch.maxWaiting.get(), watch.errors);
        for (Result r : results) {
            System.out.printf("  board %02d %-14s canWait=%-5s 503s=%d ranges=%s%n", r.board, r.hostname, r.canWait,
                    r.refused, r.rangeMillis);
        }
        assertEquals(BOARDS, results.size());
        assertEquals(0, plain503, "a client that did not announce it can wait got a 503");
        assertTrue(waiters503 >= 1, "no waiting client was ever asked to wait: the queue was not exercised");
        // the plan's clients stream at once, beyond the slots; the slots themselves are never exceeded
        assertTrue(watch.maxInSlots.get() <= 10, "more than 10 downloads held slots at once: "
                + watch.maxInSlots.get());
        assertTrue(watch.maxWaiting.get() >= 1, "nobody was ever seen waiting in /api/downloads");

        // every byte: the digest and the length of what each board received (also compared byte by byte on the fly)
        for (Result r : results) {
            assertEquals(IMAGE_BYTES, r.received, "board " + r.board);
            assertEquals(r.expectedChecksum, r.checksum, "board " + r.board);
        }

        Set<String> expectedNames = new TreeSet<>();
        for (int n = 1; n <= BOARDS; n++) {
            expectedNames.add(String.format("KXP2-%s-%03d", VENUE, n));
        }
        Set<String> names = new TreeSet<>();
        results.forEach(r -> names.add(r.hostname));
        assertEquals(expectedNames, names, "20 distinct hostnames, the pool's lowest numbers");

        // every row
        JsonObject list = admin.get("/api/deployments?venue_code=" + VENUE + "&limit=1000").json();
        assertEquals(BOARDS, list.getInt("total"), list.toString());
        Map<String, Long> idBySerial = new TreeMap<>();
        for (JsonValue value : list.getJsonArray("deployments")) {
            JsonObject d = value.asJsonObject();
            assertEquals("success", d.getString("status"), d.toString());
            idBySerial.put(d.getString("serial_number"), d.getJsonNumber("id").longValue());
        }
        assertEquals(BOARDS, idBySerial.size(), "one deployment per board: " + idBySerial);
        for (Result r : results) {
            assertEquals(r.deploymentId, idBySerial.get(r.serial), "board " + r.board);
            JsonObject detail = admin.get("/api/deployments/" + r.deploymentId).json();
            JsonObject d = detail.getJsonObject("deployment");
            assertEquals(r.hostname, d.getString("hostname"));
            assertEquals(r.serial, d.getString("serial_number"));
            assertEquals("flow-1", d.getString("image_version"));
            assertFalse(d.isNull("completed_at"), d.toString());
            assertTrue(d.isNull("error_message"), d.toString());
            // "starting" opens the deployment before the config ("started") takes it over: the plan's order
            List<String> states = detail.getJsonArray("events").stream()
                    .map(e -> e.asJsonObject().getString("state")).toList();
            assertEquals(List.of("starting", "started", "downloading", "verifying", "customizing", "success"),
                    states, "board " + r.board);
            // as instants: ISO text drops a zero fraction ("…:26Z" sorts after "…:26.352Z" as a string)
            List<Instant> times = detail.getJsonArray("events").stream()
                    .map(e -> Instant.parse(e.asJsonObject().getString("at"))).toList();
            for (int i = 1; i < times.size(); i++) {
                assertFalse(times.get(i - 1).isAfter(times.get(i)), "timeline in order: " + times);
            }
        }

        // a fresh server per test class: these are the run's own figures
        // the images went out with sendfile (arquillian.xml turns it on as bin/rpideploy does), not copied: this is
        // the test that fails when Payara's internals, which ZeroCopy reaches by reflection, change under it
        JsonObject downloadsCheck = admin.get("/health").json().getJsonObject("checks").getJsonObject("downloads");
        assertEquals("on", downloadsCheck.getString("sendfile"), "image downloads no longer go out with sendfile."
                + " ZeroCopy reaches Grizzly's sendfile by reflection: the servlet response's field 'response'"
                + " (Catalina's Response), its getCoyoteResponse() (Grizzly's Response), isSendFileEnabled(),"
                + " getOutputBuffer() and OutputBuffer.sendfile(File, long, long, CompletionHandler). What this"
                + " Payara answered: " + downloadsCheck.getString("sendfile_off_reason",
                        "nothing recorded (no download of 1 MiB or more reached ZeroCopy)"));
        JsonObject stats = admin.get("/api/stats").json();
        assertEquals(0, stats.getInt("active_deployments"), stats.toString());
        assertEquals(BOARDS, stats.getInt("completed_today"), stats.toString());
        assertEquals(0, stats.getInt("failed_today"), stats.toString());
        assertEquals(BOARDS, stats.getInt("total_devices"), stats.toString());
        assertEquals(BOARDS, stats.getInt("hostnames_assigned"), stats.toString());
        assertEquals(25 - BOARDS, stats.getInt("hostnames_available"), stats.toString());
        JsonObject venueStats = admin.get("/api/venues/" + VENUE + "/stats").json();
        assertEquals(BOARDS, venueStats.getInt("assigned"), venueStats.toString());
        assertEquals(BOARDS, venueStats.getInt("total_deployments"), venueStats.toString());

        // the plan's daily log: a success line per board, with its hostname
        List<String> lines = dailyLogLines();
        for (Result r : results) {
            List<String> success = lines.stream().filter(l -> l.endsWith("," + r.serial + ",success")).toList();
            assertEquals(1, success.size(), "success lines of " + r.serial + " in " + lines.size() + " lines");
            String[] fields = success.get(0).split(",");
            assertEquals(5, fields.length, success.get(0));
            assertEquals("127.0.0.1", fields[1], success.get(0));
            assertEquals(r.hostname, fields[2], success.get(0));
        }
    }

    /** An .img.gz: checksum of the file as served, uncompressed_size/checksum of the raw image inside. */
    private void compressedImageHasTheRawImagesFigures() throws IOException {
        byte[] raw = new byte[1024 * 1024];
        new Random(7).nextBytes(raw);
        for (int i = 0; i < raw.length; i += 2) {
            raw[i] = 0; // compressible, so the two sizes differ
        }
        ItImages.stampPartitionTable(raw);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(raw);
        }
        byte[] file = gz.toByteArray();
        // RXP2 and not activated: nothing else in this test uses it
        Reply up = admin.send(admin.request("/api/images/upload")
                .header("Content-Type", "multipart/form-data; boundary=it-images-boundary-7f3a")
                .POST(HttpRequest.BodyPublishers.ofByteArray(ItImages.multipart("RXP2", "flow-gz", "flow.img.gz",
                        file))));
        assertEquals(201, up.status(), up.toString());
        JsonObject image = up.json().getJsonObject("image");
        assertEquals(sha256(file), image.getString("checksum"), image.toString());
        assertEquals(file.length, image.getJsonNumber("size_bytes").longValue(), image.toString());
        assertEquals(raw.length, image.getJsonNumber("uncompressed_size").longValue(), image.toString());
        assertEquals(sha256(raw), image.getString("uncompressed_checksum"), image.toString());
    }

    private static List<String> dailyLogLines() throws IOException {
        Path logs = Path.of(System.getenv("RPIDEPLOY_HOME"), "logs");
        List<String> lines = new ArrayList<>();
        LocalDate today = LocalDate.now();
        for (LocalDate day : new LocalDate[] {today.minusDays(1), today}) { // a run across midnight
            Path file = logs.resolve("deployment_" + DateTimeFormatter.BASIC_ISO_DATE.format(day) + ".log");
            if (Files.exists(file)) {
                lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
            }
        }
        return lines;
    }

    /** What one board saw. */
    private record Result(int board, boolean canWait, String serial, String hostname, long deploymentId,
                          long received, String checksum, String expectedChecksum, int refused,
                          List<Long> rangeMillis) {
    }

    /** One simulated board running the plan's install(), over its own HTTP client (its own connections). */
    private static final class Installer {
        private final int board;
        private final boolean canWait;
        private final byte[] image;
        private final String serial;
        private final String mac;
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        private String hostname;
        private int refused;

        Installer(int board, boolean canWait, byte[] image) {
            this.board = board;
            this.canWait = canWait;
            this.image = image;
            this.serial = String.format("10000000f10a%04x", board);
            this.mac = String.format("2c:cf:67:f1:00:%02x", board);
        }

        Result install() throws Exception {
            // the plan's order: "starting" before the config, no hostname and no deployment id yet
            JsonObject starting = postStatus("starting", "");
            long id = starting.getJsonNumber("deployment_id").longValue();

            JsonObject config = post("/api/config", "{\"product_type\":\"KXP2\",\"venue_code\":\"" + VENUE
                    + "\",\"serial_number\":\"" + serial + "\",\"mac_address\":\"" + mac + "\"}");
            assertEquals(id, config.getJsonNumber("deployment_id").longValue(), "config takes over: " + config);
            hostname = config.getString("hostname");
            String url = config.getString("image_url");
            long size = config.getJsonNumber("image_size").longValue();
            String expected = config.getString("image_checksum");
            assertEquals(IMAGE_BYTES, size, config.toString());
            assertEquals("flow-1", config.getString("version"));

            postStatus("downloading", "");
            MessageDigest digest = sha();
            List<Long> rangeMillis = new ArrayList<>();
            long half = size / 2;
            // the first range, then a resume from where it stopped
            long received = download(url, 0, half - 1, size, digest, rangeMillis);
            received += download(url, half, -1, size, digest, rangeMillis);
            String checksum = HexFormat.of().formatHex(digest.digest());

            postStatus("verifying", "");
            assertEquals(expected, checksum, "board " + board + ": checksum of the downloaded image");
            assertEquals(size, received, "board " + board + ": bytes received");
            postStatus("customizing", "");
            JsonObject success = postStatus("success", "Installation completed successfully");
            assertEquals(id, success.getJsonNumber("deployment_id").longValue());
            assertEquals("success", success.getString("status"));
            return new Result(board, canWait, serial, hostname, id, received, checksum, sha256(image), refused,
                    rangeMillis);
        }

        /** One ranged GET ({@code last} -1: to the end), read slowly, each byte compared with the image. */
        private long download(String url, long first, long last, long size, MessageDigest digest,
                              List<Long> rangeMillis) throws Exception {
            long deadline = System.nanoTime() + WHOLE_RUN.toNanos();
            while (true) {
                long t0 = System.nanoTime();
                RawResponse response = rangeGet(URI.create(url), first, last);
                if (response.status == 503) {
                    refused++;
                    response.close();
                    assertTrue(canWait, "board " + board + " did not announce it can wait and got a 503");
                    String retryAfter = response.headers.get("retry-after");
                    assertNotNull(retryAfter, "503 without Retry-After");
                    long retry = Long.parseLong(retryAfter.trim());
                    assertTrue(retry >= 1 && retry <= 60, "Retry-After " + retry);
                    assertNotNull(response.headers.get("x-rpideploy-queue-position"), response.headers.toString());
                    assertTrue(System.nanoTime() + retry * 1_000_000_000L < deadline,
                            "board " + board + " still queued after " + WHOLE_RUN.toSeconds() + " s");
                    Thread.sleep(retry * 1000); // honouring Retry-After, as the client is told to
                    continue;
                }
                long end = last < 0 ? size - 1 : last;
                assertEquals(206, response.status, "board " + board + " range " + first + "-" + last);
                assertEquals("bytes " + first + "-" + end + "/" + size, response.headers.get("content-range"));
                long count = 0;
                long position = first;
                byte[] buffer = new byte[64 * 1024];
                long sincePause = 0;
                int nextReport = 1;
                try (response; InputStream in = response.body) {
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        if (position + n > end + 1) {
                            fail("board " + board + ": more bytes than the range");
                        }
                        int at = (int) position;
                        int mismatch = Arrays.mismatch(image, at, at + n, buffer, 0, n);
                        assertTrue(mismatch < 0, "board " + board + ": wrong byte at " + (position + mismatch));
                        digest.update(buffer, 0, n);
                        position += n;
                        count += n;
                        sincePause += n;
                        if (sincePause >= READ_STEP) {
                            sincePause = 0;
                            Thread.sleep(READ_PAUSE_MILLIS); // deliberate pacing: a slow SD card
                        }
                        // progress twice per range: four reports over the whole image
                        if (position >= first + (end + 1 - first) * nextReport / 2 && nextReport <= 2) {
                            nextReport++;
                            postProgress(position, size);
                        }
                    }
                }
                rangeMillis.add((System.nanoTime() - t0) / 1_000_000);
                assertEquals(end + 1 - first, count, "board " + board + ": length of range " + first + "-" + last);
                return count;
            }
        }

        /**
         * A ranged GET over a plain socket with a small receive buffer: with the kernel's autotuned buffers (and an
         * HTTP client's own) a whole range of a few MiB would sit in buffers at once, the server would finish at
         * once and free its slot while the "slow" board had read nothing; a small window makes the server wait for
         * the reader, as it does for a Pi writing to its SD card.
         */
        private RawResponse rangeGet(URI url, long first, long last) throws IOException {
            Socket socket = new Socket();
            try {
                socket.setReceiveBufferSize(64 * 1024); // before connect, so the window is fixed (no autotuning)
                socket.setSoTimeout(150_000); // one that can wait may poll a while; a plain one is served at once
                socket.connect(new InetSocketAddress(url.getHost(), url.getPort()), 10_000);
                StringBuilder request = new StringBuilder("GET " + url.getRawPath() + " HTTP/1.1\r\nHost: "
                        + url.getHost() + ":" + url.getPort() + "\r\nRange: bytes=" + first + "-"
                        + (last < 0 ? "" : Long.toString(last)) + "\r\nConnection: close\r\n");
                if (canWait) {
                    request.append("X-RpiDeploy-Can-Wait: 1\r\nX-RpiDeploy-Client: ").append(serial).append("\r\n");
                }
                OutputStream out = socket.getOutputStream();
                out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                int matched = 0;
                while (matched < 4) { // up to the blank line that ends the head
                    int b = in.read();
                    assertTrue(b >= 0 && head.size() < 16384, "board " + board + ": no complete response head");
                    head.write(b);
                    matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
                }
                String[] lines = head.toString(StandardCharsets.US_ASCII).split("\r\n");
                int status = Integer.parseInt(lines[0].split(" ")[1]);
                Map<String, String> headers = new TreeMap<>();
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    if (colon > 0) {
                        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                                lines[i].substring(colon + 1).trim());
                    }
                }
                // a range answer has a Content-Length; a 503's JSON may come chunked and is not read
                long length = Long.parseLong(headers.getOrDefault("content-length", "0"));
                assertTrue(status != 206 || headers.containsKey("content-length"),
                        "board " + board + ": no Content-Length in " + headers);
                return new RawResponse(socket, status, headers, new LimitedInput(in, length));
            } catch (IOException | RuntimeException | Error e) {
                socket.close();
                throw e;
            }
        }

        private void postProgress(long written, long total) {
            JsonObject answer = post("/api/status", "{\"status\":\"downloading\",\"hostname\":\"" + hostname
                    + "\",\"serial\":\"" + serial + "\",\"mac_address\":\"" + mac + "\",\"progress\":"
                    + (int) (written * 100 / total) + ",\"bytes_written\":" + written + ",\"bytes_total\":" + total
                    + ",\"rate_bps\":2000000,\"timestamp\":1764094800.5}");
            assertEquals("downloading", answer.getString("status"), answer.toString());
            assertFalse(answer.getBoolean("state_changed"), answer.toString());
        }

        /** The body of the plan's report_status(); hostname null until the config named it. */
        private JsonObject postStatus(String status, String message) {
            String host = hostname == null ? "null" : "\"" + hostname + "\"";
            JsonObject answer = post("/api/status", "{\"status\":\"" + status + "\",\"message\":\"" + message
                    + "\",\"hostname\":" + host + ",\"serial\":\"" + serial + "\",\"mac_address\":\"" + mac
                    + "\",\"error_message\":null,\"timestamp\":1764094800.5}");
            assertTrue(answer.getBoolean("received"), answer.toString());
            assertEquals(status, answer.getString("status"), answer.toString());
            return answer;
        }

        private JsonObject post(String path, String json) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + Api.DEPLOYMENT_PORT
                            + path)).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), "board " + board + " " + path + ": " + response.body());
                try (var reader = Json.createReader(new StringReader(response.body()))) {
                    return reader.readObject();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Status, headers (names lower-case) and the body of a response read off a socket. */
    private record RawResponse(Socket socket, int status, Map<String, String> headers, InputStream body)
            implements AutoCloseable {
        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** The body: exactly Content-Length bytes, then end of stream. */
    private static final class LimitedInput extends InputStream {
        private final InputStream in;
        private long left;

        LimitedInput(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new IOException("connection closed with " + left + " bytes of the body missing");
            }
            left -= n;
            return n;
        }
    }

    /** Polls /api/downloads while the installers run: how many streamed and waited at most (bounded by stop). */
    private final class QueueWatch implements Runnable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger samples = new AtomicInteger();
        final AtomicInteger maxStreaming = new AtomicInteger();
        final AtomicInteger maxInSlots = new AtomicInteger();
        final AtomicInteger maxWaiting = new AtomicInteger();
        final Map<String, Integer> errors = new ConcurrentHashMap<>();

        @Override
        public void run() {
            long deadline = System.nanoTime() + WHOLE_RUN.toNanos() + 30_000_000_000L;
            while (!stop.get() && System.nanoTime() < deadline) {
                try {
                    Reply reply = admin.get("/api/downloads");
                    if (reply.status() == 200) {
                        JsonObject q = reply.json();
                        samples.incrementAndGet();
                        maxStreaming.accumulateAndGet(q.getJsonArray("streaming").size(), Math::max);
                        maxInSlots.accumulateAndGet((int) q.getJsonArray("streaming").stream()
                                .filter(e -> !e.asJsonObject().getBoolean("above_capacity")).count(), Math::max);
                        maxWaiting.accumulateAndGet(q.getJsonArray("waiting").size(), Math::max);
                    } else {
                        errors.merge(Integer.toString(reply.status()), 1, Integer::sum);
                    }
                    Thread.sleep(100); // bounded polling
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    errors.merge(e.getClass().getSimpleName(), 1, Integer::sum);
                }
            }
        }
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(byte[] data) {
        return HexFormat.of().formatHex(sha().digest(data));
    }
}
