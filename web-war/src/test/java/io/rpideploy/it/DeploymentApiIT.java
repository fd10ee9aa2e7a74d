package io.rpideploy.it;

import static io.rpideploy.it.ManagementApiIT.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.it.Api.Reply;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The deployment API (/api/config, /api/status) as the plan's installer calls it, and the deployment history on
 * the management side, against the real war on Payara Micro. Only KXP2 gets an active image here, so RXP2 is the
 * product without one.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DeploymentApiIT {

    private static String kxp2Image;

    @Deployment(testable = false)
    static WebArchive war() {
        return ItServer.war();
    }

    private final Api admin = Api.admin();
    private final Api pi = Api.deployment();

    @Test
    void configWithoutAnActiveImageIs404AndAssignsNothing() {
        venue("NOIM", "1-3");
        Reply reply = pi.post("/api/config", config("RXP2", "NOIM", "10000000feed0001", null));
        assertError(reply, 404, "product_type");
        assertTrue(reply.json().getString("message").contains("No active image"), reply.toString());
        JsonObject stats = admin.get("/api/venues/NOIM/stats").json();
        assertEquals(0, stats.getInt("assigned"), stats.toString());
        assertEquals(3, stats.getInt("available"), stats.toString());
        assertEquals(0, admin.get("/api/deployments?serial=10000000feed0001").json().getInt("total"));
    }

    @Test
    void badInputGetsA400NamingTheField() {
        venue("BAD1", "1-3");
        assertError(pi.post("/api/config", config("XYZ", "BAD1", "10000000bad00001", null)), 400, "product_type");
        assertError(pi.post("/api/config", "{\"product_type\":\"KXP2\",\"serial_number\":\"10000000bad00001\"}"),
                400, "venue_code");
        assertError(pi.post("/api/config", config("KXP2", "TOOLONG", "10000000bad00001", null)), 400, "venue_code");
        assertError(pi.post("/api/config", config("KXP2", "BAD1", null, "not-a-mac")), 400, "mac_address");
        assertError(pi.post("/api/config", config("KXP2", "BAD1", null, null)), 400, "serial_number");
        assertError(pi.post("/api/config", config("KXP2", "BAD1", "bad serial!", null)), 400, "serial_number");
        assertError(pi.post("/api/config", "{not json"), 400, null);
        assertError(pi.post("/api/config", "[1]"), 400, null);

        assertError(pi.post("/api/status", "{\"serial\":\"10000000bad00001\"}"), 400, "status");
        assertError(pi.post("/api/status", status("started", null, "10000000bad00001", null)), 400, "status");
        assertError(pi.post("/api/status", status("interrupted", null, "10000000bad00001", null)), 400, "status");
        assertError(pi.post("/api/status", status("done", null, "10000000bad00001", null)), 400, "status");
        assertError(pi.post("/api/status", "{\"status\":\"downloading\",\"serial\":\"10000000bad00001\","
                + "\"progress\":150}"), 400, "progress");
        assertError(pi.post("/api/status", "{\"status\":\"downloading\",\"serial\":\"10000000bad00001\","
                + "\"bytes_written\":\"abc\"}"), 400, "bytes_written");
        assertError(pi.post("/api/status", "{\"status\":\"downloading\",\"deployment_id\":-4}"), 400,
                "deployment_id");
        assertError(pi.post("/api/status", "{\"status\":\"downloading\",\"mac_address\":\"xx\"}"), 400,
                "mac_address");
        assertError(pi.post("/api/status", "{\"status\":\"downloading\"}"), 400, "serial");
        // nothing above opened a deployment
        assertEquals(0, admin.get("/api/deployments?venue_code=BAD1").json().getInt("total"));
        assertEquals(0, admin.get("/api/deployments?serial=10000000bad00001").json().getInt("total"));
    }

    @Test
    void thePlansSequenceWithoutAnIdIsRecordedStateByState() {
        activeKxp2Image();
        venue("SEQ1", "1-5");
        String serial = "10000000aaaa5e01";
        String mac = "2c:cf:67:5e:00:01";
        Reply config = pi.post("/api/config", config("KXP2", "SEQ1", serial, mac));
        assertEquals(200, config.status(), config.toString());
        JsonObject c = config.json();
        assertEquals("KXP2-SEQ1-001", c.getString("hostname"));
        assertEquals("KXP2", c.getString("product_type"));
        assertEquals("SEQ1", c.getString("venue_code"));
        assertEquals("127.0.0.1", c.getString("server_ip"));
        assertEquals("http://127.0.0.1:" + Api.DEPLOYMENT_PORT + "/images/" + kxp2Image, c.getString("image_url"));
        assertTrue(c.getJsonNumber("image_size").longValue() > 0, c.toString());
        assertEquals(64, c.getString("image_checksum").length(), c.toString());
        // what the written card must hold, for the installer's read-back check
        assertTrue(c.getJsonNumber("image_uncompressed_size").longValue() > 0, c.toString());
        assertEquals(64, c.getString("image_uncompressed_checksum").length(), c.toString());
        assertEquals("it-deploy-1", c.getString("version"));
        assertFalse(c.getString("timestamp").isBlank());
        long id = c.getJsonNumber("deployment_id").longValue();
        // the image the board is told about is really there, on the deployment listener
        assertEquals(200, pi.get("/images/" + kxp2Image).status());

        // the plan's installer: no deployment id, "starting" without a hostname, then the rest with it
        assertStatus(id, "starting", pi.post("/api/status", status("starting", null, serial, mac)), true);
        assertStatus(id, "downloading",
                pi.post("/api/status", status("downloading", "KXP2-SEQ1-001", serial, mac)), true);
        for (int percent : new int[] {10, 50, 90}) {
            Reply tick = pi.post("/api/status", "{\"status\":\"downloading\",\"serial\":\"" + serial
                    + "\",\"progress\":" + percent + ",\"bytes_written\":" + percent * 1000
                    + ",\"bytes_total\":100000,\"rate_bps\":5000000}");
            assertStatus(id, "downloading", tick, false);
        }
        JsonObject during = awaitProgress(id, 90);
        assertEquals(90_000, during.getJsonNumber("bytes_written").longValue());
        assertEquals(100_000, during.getJsonNumber("bytes_total").longValue());
        assertStatus(id, "verifying", pi.post("/api/status", status("verifying", "KXP2-SEQ1-001", serial, mac)), true);
        assertStatus(id, "customizing",
                pi.post("/api/status", status("customizing", "KXP2-SEQ1-001", serial, mac)), true);
        Reply success = pi.post("/api/status", "{\"status\":\"success\",\"message\":\"Installation completed "
                + "successfully\",\"hostname\":\"KXP2-SEQ1-001\",\"serial\":\"" + serial + "\",\"mac_address\":\""
                + mac + "\",\"error_message\":null,\"timestamp\":1764094800.25}");
        assertStatus(id, "success", success, true);

        JsonObject detail = admin.get("/api/deployments/" + id).json();
        JsonObject d = detail.getJsonObject("deployment");
        assertEquals("success", d.getString("status"));
        assertEquals("KXP2-SEQ1-001", d.getString("hostname"));
        assertEquals(serial, d.getString("serial_number"));
        assertEquals("127.0.0.1", d.getString("ip_address"));
        assertEquals("it-deploy-1", d.getString("image_version"));
        assertFalse(d.isNull("completed_at"), d.toString());
        assertTrue(d.isNull("error_message"), d.toString());
        assertEquals(List.of("started", "starting", "downloading", "verifying", "customizing", "success"),
                states(detail));
        // as instants: ISO text drops a zero fraction ("…:26Z" sorts after "…:26.352Z" as a string)
        List<Instant> times = detail.getJsonArray("events").stream()
                .map(e -> Instant.parse(e.asJsonObject().getString("at"))).toList();
        for (int i = 1; i < times.size(); i++) {
            assertFalse(times.get(i - 1).isAfter(times.get(i)), "timeline in order: " + times);
        }
        assertEquals("Installation completed successfully",
                detail.getJsonArray("events").getJsonObject(5).getString("message"));
    }

    @Test
    void thePlansRealOrderStartingBeforeConfigIsOneDeployment() {
        activeKxp2Image();
        venue("ORD1", "1-5");
        String serial = "10000000aaaa0d01";
        Reply starting = pi.post("/api/status", status("starting", null, serial, null));
        assertEquals(200, starting.status(), starting.toString());
        long id = starting.json().getJsonNumber("deployment_id").longValue();
        Reply config = pi.post("/api/config", config("KXP2", "ORD1", serial, null));
        assertEquals(id, config.json().getJsonNumber("deployment_id").longValue(), config.toString());
        assertStatus(id, "downloading", pi.post("/api/status", status("downloading", "KXP2-ORD1-001", serial,
                null)), true);
        // the plan sends the error text as "message": report_status("failed", str(e))
        Reply failed = pi.post("/api/status", "{\"status\":\"failed\",\"message\":\"Image write failed: disk "
                + "full\",\"hostname\":\"KXP2-ORD1-001\",\"serial\":\"" + serial + "\",\"timestamp\":1.0}");
        assertStatus(id, "failed", failed, true);
        JsonObject detail = admin.get("/api/deployments/" + id).json();
        assertEquals(List.of("starting", "started", "downloading", "failed"), states(detail));
        JsonObject d = detail.getJsonObject("deployment");
        assertEquals("Image write failed: disk full", d.getString("error_message"));
        assertEquals("KXP2-ORD1-001", d.getString("hostname"));
        assertFalse(d.isNull("completed_at"));
    }

    @Test
    void anIllegalTransitionIs409AndChangesNothing() {
        activeKxp2Image();
        venue("ILL1", "1-5");
        String serial = "10000000aaaa1101";
        long id = pi.post("/api/config", config("KXP2", "ILL1", serial, null)).json()
                .getJsonNumber("deployment_id").longValue();
        assertStatus(id, "success", pi.post("/api/status", withId(id, "success", serial)), true);
        JsonObject before = admin.get("/api/deployments/" + id).json();

        assertError(pi.post("/api/status", withId(id, "downloading", serial)), 409, "status");
        assertError(pi.post("/api/status", status("downloading", null, serial, null)), 409, "status");
        assertError(pi.post("/api/status", withId(id, "failed", serial)), 409, "status");
        assertEquals(before, admin.get("/api/deployments/" + id).json());

        // backwards within a run: refused too
        long second = pi.post("/api/config", config("KXP2", "ILL1", serial, null)).json()
                .getJsonNumber("deployment_id").longValue();
        assertStatus(second, "verifying", pi.post("/api/status", withId(second, "verifying", serial)), true);
        assertError(pi.post("/api/status", withId(second, "downloading", serial)), 409, "status");
        assertEquals("verifying", admin.get("/api/deployments/" + second).json().getJsonObject("deployment")
                .getString("status"));
    }

    @Test
    void anUnknownDeploymentIs404() {
        assertError(pi.post("/api/status", withId(987654321L, "downloading", null)), 404, "deployment_id");
        assertError(pi.post("/api/status", status("downloading", null, "10000000dead0404", null)), 404, null);
        assertError(pi.post("/api/status", status("success", "KXP2-NONE-404", null, null)), 404, null);
        assertError(admin.get("/api/deployments/987654321"), 404, null);
        // another board's deployment id is refused
        activeKxp2Image();
        venue("OTH1", "1-3");
        long id = pi.post("/api/config", config("KXP2", "OTH1", "10000000aaaa0701", null)).json()
                .getJsonNumber("deployment_id").longValue();
        assertError(pi.post("/api/status", withId(id, "downloading", "10000000bbbb0702")), 409, "deployment_id");
    }

    @Test
    void configIsIdempotentPerBoardWithANewDeploymentEachTime() {
        activeKxp2Image();
        venue("IDM1", "1-5");
        JsonObject first = pi.post("/api/config", config("KXP2", "IDM1", "10000000aaaa1d01", null)).json();
        JsonObject again = pi.post("/api/config", config("KXP2", "IDM1", "10000000AAAA1D01", null)).json();
        assertEquals("KXP2-IDM1-001", first.getString("hostname"));
        assertEquals(first.getString("hostname"), again.getString("hostname"));
        long a = first.getJsonNumber("deployment_id").longValue();
        long b = again.getJsonNumber("deployment_id").longValue();
        assertNotEquals(a, b);
        assertEquals(1, admin.get("/api/venues/IDM1/stats").json().getInt("assigned"));
        // a board runs one installer at a time: the first run is closed
        JsonObject old = admin.get("/api/deployments/" + a).json().getJsonObject("deployment");
        assertEquals("interrupted", old.getString("status"));
        assertEquals("started", admin.get("/api/deployments/" + b).json().getJsonObject("deployment")
                .getString("status"));
        // a second board gets the next number
        assertEquals("KXP2-IDM1-002", pi.post("/api/config", config("KXP2", "IDM1", "10000000aaaa1d02", null))
                .json().getString("hostname"));
    }

    @Test
    void theDailyLogGetsThePlansLines() throws IOException {
        activeKxp2Image();
        venue("LOG1", "1-3");
        String serial = "10000000aaaa1061";
        pi.post("/api/config", config("KXP2", "LOG1", serial, null));
        assertEquals(200, pi.post("/api/status", status("downloading", "KXP2-LOG1-001", serial, null)).status());
        assertEquals(200, pi.post("/api/status", status("success", "KXP2-LOG1-001", serial, null)).status());
        Path logs = Path.of(System.getenv("RPIDEPLOY_HOME"), "logs");
        List<String> lines = new ArrayList<>();
        LocalDate today = LocalDate.now();
        for (LocalDate day : new LocalDate[] {today.minusDays(1), today}) { // a run across midnight
            Path file = logs.resolve("deployment_" + DateTimeFormatter.BASIC_ISO_DATE.format(day) + ".log");
            if (Files.exists(file)) {
                lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
            }
        }
        List<String> mine = lines.stream().filter(l -> l.contains("," + serial + ",")).toList();
        assertEquals(3, mine.size(), "lines for " + serial + " in " + lines);
        String[] statuses = {"started", "downloading", "success"};
        for (int i = 0; i < 3; i++) {
            String[] fields = mine.get(i).split(",");
            assertEquals(5, fields.length, mine.get(i));
            assertTrue(fields[0].matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{6})?"), mine.get(i));
            assertEquals("127.0.0.1", fields[1]);
            assertEquals("KXP2-LOG1-001", fields[2]);
            assertEquals(serial, fields[3]);
            assertEquals(statuses[i], fields[4]);
        }
    }

    @Test
    void theDeploymentApiIsOnlyOnTheDeploymentListener() {
        assertError(admin.post("/api/config", config("KXP2", "ABCD", "10000000aaaa0001", null)), 404, null);
        assertError(admin.post("/api/status", status("starting", null, "10000000aaaa0001", null)), 404, null);
        assertError(Api.anonymousManagement().post("/api/status", "{}"), 404, null);
        assertError(pi.get("/api/deployments"), 404, null);
        assertError(Api.anonymousManagement().get("/api/deployments"), 401, null);
    }

    @Test
    void historyIsFilteredAndPaged() {
        activeKxp2Image();
        venue("HIS1", "1-10");
        venue("HIS2", "1-10");
        List<Long> his1 = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            String serial = "10000000ccc1000" + i;
            long id = pi.post("/api/config", config("KXP2", "HIS1", serial, null)).json()
                    .getJsonNumber("deployment_id").longValue();
            his1.add(id);
            String end = i == 3 ? "failed" : "success";
            assertEquals(200, pi.post("/api/status", withId(id, end, serial)).status());
        }
        pi.post("/api/config", config("KXP2", "HIS2", "10000000ccc20001", null));

        JsonObject all = admin.get("/api/deployments?venue_code=his1").json();
        assertEquals(5, all.getInt("total"), all.toString());
        JsonObject failed = admin.get("/api/deployments?venue_code=HIS1&status=failed").json();
        assertEquals(1, failed.getInt("total"));
        assertEquals(his1.get(2).longValue(), failed.getJsonArray("deployments").getJsonObject(0)
                .getJsonNumber("id").longValue());
        assertEquals(1, admin.get("/api/deployments?serial=10000000CCC10004").json().getInt("total"));
        assertEquals(1, admin.get("/api/deployments?hostname=kxp2-his2-001").json().getInt("total"));
        assertEquals(1, admin.get("/api/deployments?product_type=KXP2&venue_code=HIS2&status=started").json()
                .getInt("total"));
        assertEquals(0, admin.get("/api/deployments?product_type=RXP2&venue_code=HIS1").json().getInt("total"));
        String today = LocalDate.now().toString();
        assertEquals(5, admin.get("/api/deployments?venue_code=HIS1&from=" + LocalDate.now().minusDays(1)
                + "&to=" + today).json().getInt("total"));
        assertEquals(0, admin.get("/api/deployments?venue_code=HIS1&from=2000-01-01&to=2000-01-02").json()
                .getInt("total"));

        // pages: newest first, no overlap, the total on each
        JsonObject page1 = admin.get("/api/deployments?venue_code=HIS1&limit=2").json();
        JsonObject page3 = admin.get("/api/deployments?venue_code=HIS1&limit=2&offset=4").json();
        assertEquals(5, page1.getInt("total"));
        assertEquals(List.of(his1.get(4), his1.get(3)), ids(page1));
        assertEquals(List.of(his1.get(0)), ids(page3));
        assertEquals(4, page3.getInt("offset"));

        assertError(admin.get("/api/deployments?status=lost"), 400, "status");
        assertError(admin.get("/api/deployments?limit=0"), 400, "limit");
        assertError(admin.get("/api/deployments?offset=-1"), 400, "offset");
        assertError(admin.get("/api/deployments?from=yesterday"), 400, "from");
        assertError(admin.get("/api/deployments?from=2025-02-02&to=2025-02-01"), 400, "to");
        assertError(admin.get("/api/deployments?venue_code=TOOLONG"), 400, "venue_code");

        Reply stats = admin.get("/api/stats");
        assertTrue(stats.json().getInt("active_deployments") >= 1, stats.toString());
        assertTrue(stats.json().getInt("failed_today") >= 1, stats.toString());
    }

    private static List<Long> ids(JsonObject page) {
        return page.getJsonArray("deployments").stream().map(d -> d.asJsonObject().getJsonNumber("id").longValue())
                .toList();
    }

    private static List<String> states(JsonObject detail) {
        return detail.getJsonArray("events").stream().map(JsonValue::asJsonObject).map(e -> e.getString("state"))
                .toList();
    }

    private static void assertStatus(long id, String state, Reply reply, boolean changed) {
        assertEquals(200, reply.status(), reply.toString());
        JsonObject json = reply.json();
        assertTrue(json.getBoolean("received"), reply.toString());
        assertEquals(id, json.getJsonNumber("deployment_id").longValue(), reply.toString());
        assertEquals(state, json.getString("status"), reply.toString());
        assertEquals(changed, json.getBoolean("state_changed"), reply.toString());
    }

    /** Progress ticks reach the database within a second or two; waits at most 10 s. */
    private JsonObject awaitProgress(long id, int percent) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        JsonObject d;
        do {
            d = admin.get("/api/deployments/" + id).json().getJsonObject("deployment");
            if (!d.isNull("progress") && d.getInt("progress") == percent) {
                return d;
            }
            sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("progress " + percent + " not stored within 10 s: " + d);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Only the board that opened a run may change it: with its report token from anywhere, without one only from
     * the address that opened it. Another address can neither report on it nor interrupt it with /api/config.
     */
    @Test
    void reportsComeOnlyFromTheBoardThatOpenedTheRun() throws Exception {
        activeKxp2Image();
        venue("ORGN", "1-5");
        String serial = "10000000a1b2c3d4";
        Reply opened = pi.post("/api/config", config("KXP2", "ORGN", serial, "2c:cf:67:0a:0b:0c"));
        assertEquals(200, opened.status(), opened.toString());
        long id = opened.json().getJsonNumber("deployment_id").longValue();
        String token = opened.json().getString("report_token");
        assertTrue(token.length() >= 20, token);

        // another machine on the deployment network (127.0.0.2): no token, or a wrong one
        Reply forged = fromOtherAddress("/api/status", withId(id, "failed", serial));
        assertError(forged, 403, null);
        assertError(fromOtherAddress("/api/status", status("success", null, serial, null)), 403, null);
        assertError(pi.post("/api/status", "{\"deployment_id\":" + id + ",\"status\":\"failed\","
                + "\"report_token\":\"" + token.substring(1) + "x\"}"), 403, null);
        Reply takeover = fromOtherAddress("/api/config", config("KXP2", "ORGN", serial, "2c:cf:67:0a:0b:0d"));
        assertError(takeover, 409, "serial_number");
        assertError(fromOtherAddress("/api/status", status("starting", null, serial, null)), 409, "serial_number");
        JsonObject unchanged = admin.get("/api/deployments/" + id).json().getJsonObject("deployment");
        assertEquals("started", unchanged.getString("status"), unchanged.toString());

        // the board itself: the plan's installer (no token, same address) and ours (token, from anywhere)
        assertStatus(id, "downloading", pi.post("/api/status", status("downloading", null, serial, null)), true);
        Reply withToken = fromOtherAddress("/api/status", "{\"deployment_id\":" + id + ",\"status\":\"verifying\","
                + "\"report_token\":\"" + token + "\"}");
        assertStatus(id, "verifying", withToken, true);
    }

    /** A POST from 127.0.0.2: another machine on the deployment network, as far as the server can tell. */
    private static Reply fromOtherAddress(String path, String json) throws Exception {
        byte[] body = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.bind(new java.net.InetSocketAddress("127.0.0.2", 0));
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", Api.DEPLOYMENT_PORT), 5000);
            socket.setSoTimeout(15000);
            socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(body);
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int status = Integer.parseInt(answer.substring(9, 12));
            String payload = answer.substring(answer.indexOf("\r\n\r\n") + 4);
            if (payload.contains("\r\n") && !payload.startsWith("{")) { // chunked: the JSON is the first chunk
                payload = payload.substring(payload.indexOf("\r\n") + 2, payload.lastIndexOf('}') + 1);
            }
            return new Reply(status, payload, null);
        }
    }

    private void venue(String code, String numbers) {
        Reply reply = admin.post("/api/venues", "{\"code\":\"" + code + "\",\"name\":\"Venue " + code + "\"}");
        assertEquals(201, reply.status(), reply.toString());
        Reply pool = admin.post("/api/kart-numbers", "{\"venue_code\":\"" + code + "\",\"numbers\":\"" + numbers
                + "\"}");
        assertEquals(200, pool.status(), pool.toString());
    }

    /** Uploads and activates one KXP2 image through the images API, once per server. */
    private synchronized void activeKxp2Image() {
        if (kxp2Image != null) {
            return;
        }
        byte[] data = ItImages.disk(64 * 1024, 42);
        JsonObject image = ItImages.uploadActive(admin, "KXP2", "it-deploy-1", "deploy-it.img", data);
        kxp2Image = image.getString("filename");
    }

    private static String config(String product, String venue, String serial, String mac) {
        return "{\"product_type\":" + quote(product) + ",\"venue_code\":" + quote(venue) + ",\"serial_number\":"
                + quote(serial) + ",\"mac_address\":" + quote(mac) + "}";
    }

    /** The body of the plan's report_status(). */
    private static String status(String status, String hostname, String serial, String mac) {
        return "{\"status\":" + quote(status) + ",\"message\":\"\",\"hostname\":" + quote(hostname)
                + ",\"serial\":" + quote(serial) + ",\"mac_address\":" + quote(mac)
                + ",\"error_message\":null,\"timestamp\":1764094800.5}";
    }

    private static String withId(long id, String status, String serial) {
        return "{\"deployment_id\":" + id + ",\"status\":\"" + status + "\",\"serial\":" + quote(serial) + "}";
    }

    private static String quote(String value) {
        return value == null ? "null" : "\"" + value + "\"";
    }
}
