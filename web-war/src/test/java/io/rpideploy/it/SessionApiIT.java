package io.rpideploy.it;

import static io.rpideploy.it.ManagementApiIT.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.it.Api.Reply;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 16's API: imaging sessions that /api/config follows, pinning and replacing boards, and release/retire of a
 * hostname a board is still imaging under. The server runs without default venue and product, so a board that asks
 * without them is refused unless a session takes it. Each test closes the sessions it opened.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SessionApiIT {

    private static long testImageId;
    private static String activeVersion;

    @Deployment(testable = false)
    static WebArchive war() {
        return ItServer.war();
    }

    private final Api admin = Api.admin();
    private final Api pi = Api.deployment();
    private final List<Long> opened = new ArrayList<>();

    @AfterEach
    void closeWhatWasOpened() {
        for (long id : opened) {
            admin.post("/api/sessions/" + id + "/close", "");
        }
    }

    @Test
    void aSessionNamesItsCountOfBoardsThenClosesItself() {
        images();
        venue("SES1", "1-5");
        assertError(pi.post("/api/config", board("10000000a5e50001")), 400, "product_type");

        JsonObject session = open("{\"venue_code\":\"ses1\",\"product_type\":\"KXP2\",\"count\":2}");
        long id = session.getJsonNumber("id").longValue();
        assertEquals("SES1", session.getString("venue_code"));
        assertEquals(2, session.getInt("count"));
        assertTrue(session.getBoolean("open"));
        assertEquals(0, session.getInt("named"));
        assertEquals("admin", session.getString("opened_by"));

        JsonObject a = config(board("10000000a5e50001"));
        assertEquals("KXP2-SES1-001", a.getString("hostname"));
        assertEquals("SES1", a.getString("venue_code"));
        assertEquals(activeVersion, a.getString("version"));
        JsonObject recorded = admin.get("/api/deployments/" + a.getJsonNumber("deployment_id").longValue()).json()
                .getJsonObject("deployment");
        assertEquals(id, recorded.getJsonNumber("session_id").longValue(), recorded.toString());
        // the same board asking again keeps its name and does not count twice
        assertEquals("KXP2-SES1-001", config(board("10000000a5e50001")).getString("hostname"));
        assertTrue(admin.get("/api/sessions/" + id).json().getJsonObject("session").getBoolean("open"));

        assertEquals("KXP2-SES1-002", config(board("10000000a5e50002")).getString("hostname"));
        JsonObject detail = admin.get("/api/sessions/" + id).json();
        JsonObject closed = detail.getJsonObject("session");
        assertFalse(closed.getBoolean("open"), closed.toString());
        assertEquals(2, closed.getInt("named"));
        assertEquals("system", closed.getString("closed_by"));
        assertEquals(2, detail.getJsonArray("boards").size(), detail.toString());
        assertEquals("KXP2-SES1-002", detail.getJsonArray("boards").getJsonObject(0).getString("hostname"));

        // closed: the configured defaults apply again (none here)
        assertError(pi.post("/api/config", board("10000000a5e50003")), 400, "product_type");
        assertError(admin.post("/api/sessions/" + id + "/close", ""), 409, null);

        JsonObject listed = find(admin.get("/api/sessions").json().getJsonArray("sessions"), id);
        assertFalse(listed.getBoolean("open"));
        String audit = admin.get("/api/audit?action=session&limit=50").body();
        assertTrue(audit.contains("\"session.open\"") && audit.contains("\"session.close\""), audit);
        assertTrue(audit.contains("session " + id), audit);
    }

    @Test
    void aSessionsImageAndSerialListAndTheOldestSessionFirst() {
        images();
        venue("SES2", "1-5");
        venue("SES3", "1-5");
        long day = open("{\"venue_code\":\"SES2\",\"product_type\":\"KXP2\"}").getJsonNumber("id").longValue();
        JsonObject test = open("{\"venue_code\":\"SES3\",\"product_type\":\"KXP2\",\"image_id\":" + testImageId
                + ",\"serials\":\"serial\\n10000000a5e5000a\\n\"}");
        assertEquals(List.of("10000000a5e5000a"), test.getJsonArray("serials").getValuesAs(
                jakarta.json.JsonString::getString));
        assertTrue(test.isNull("count"), test.toString());

        // the listed board gets the test image at the test session's venue, although an older session is open
        JsonObject listed = config(board("10000000A5E5000A"));
        assertEquals("KXP2-SES3-001", listed.getString("hostname"));
        assertEquals("it-sess-test", listed.getString("version"));
        // any other board goes to the day's session with the active image
        JsonObject other = config(board("10000000a5e5000b"));
        assertEquals("KXP2-SES2-001", other.getString("hostname"));
        assertEquals(activeVersion, other.getString("version"));
        assertEquals("KXP2-SES2-002", config("{\"product_type\":\"KXP2\",\"serial_number\":\"10000000a5e5000c\"}")
                .getString("hostname"));
        // a board that says both venue and product is nobody's session, as before
        JsonObject own = config("{\"product_type\":\"KXP2\",\"venue_code\":\"SES3\",\"serial_number\":"
                + "\"10000000a5e5000d\"}");
        assertTrue(admin.get("/api/deployments/" + own.getJsonNumber("deployment_id").longValue()).json()
                .getJsonObject("deployment").isNull("session_id"));
        // the test session takes no unlisted board, and no session is for RXP2
        assertError(pi.post("/api/config", "{\"venue_code\":\"SES3\",\"serial_number\":\"10000000a5e5000e\"}"),
                400, "product_type");
        assertError(pi.post("/api/config", "{\"product_type\":\"RXP2\",\"serial_number\":\"10000000a5e5000e\"}"),
                400, "venue_code");
        JsonObject days = admin.get("/api/sessions/" + day).json().getJsonObject("session");
        assertEquals(2, days.getInt("named"), days.toString());
        assertTrue(days.getBoolean("open"));
    }

    @Test
    void openingChecksEveryFieldAndTheRole() {
        images();
        venue("SES4", "1-3");
        assertError(admin.post("/api/sessions", "{\"product_type\":\"KXP2\"}"), 400, "venue_code");
        assertError(admin.post("/api/sessions", "{\"venue_code\":\"NONE\",\"product_type\":\"KXP2\"}"), 404,
                "venue_code");
        assertError(admin.post("/api/sessions", "{\"venue_code\":\"SES4\",\"product_type\":\"XYZ\"}"), 400,
                "product_type");
        assertError(admin.post("/api/sessions", "{\"venue_code\":\"SES4\",\"product_type\":\"KXP2\",\"count\":0}"),
                400, "count");
        assertError(admin.post("/api/sessions", "{\"venue_code\":\"SES4\",\"product_type\":\"KXP2\",\"count\":2.5}"),
                400, "count");
        assertError(admin.post("/api/sessions", "{\"venue_code\":\"SES4\",\"product_type\":\"KXP2\","
                + "\"image_id\":999999}"), 404, "image_id");
        assertError(admin.post("/api/sessions", "{\"venue_code\":\"SES4\",\"product_type\":\"RXP2\","
                + "\"image_id\":" + testImageId + "}"), 409, "image_id");
        assertError(admin.post("/api/sessions", "{\"venue_code\":\"SES4\",\"product_type\":\"KXP2\","
                + "\"serials\":[\"10000000a5e50001\",\"bad serial!\"]}"), 400, "serials");
        assertError(admin.post("/api/sessions", "[]"), 400, null);
        assertError(admin.get("/api/sessions/999999"), 404, null);
        assertError(admin.get("/api/sessions/abc"), 400, "id");
        assertError(admin.post("/api/sessions/999999/close", ""), 404, null);
        assertEquals(0, admin.get("/api/sessions").json().getJsonArray("sessions").stream()
                .filter(s -> s.asJsonObject().getString("venue_code").equals("SES4")).count());

        assertEquals(201, admin.post("/api/users", "{\"username\":\"sessview\",\"role\":\"viewer\","
                + "\"password\":\"viewer-pass-1\"}").status());
        Api viewer = Api.management("sessview", "viewer-pass-1");
        assertError(viewer.post("/api/sessions", "{\"venue_code\":\"SES4\",\"product_type\":\"KXP2\"}"), 403, null);
        long id = open("{\"venue_code\":\"SES4\",\"product_type\":\"KXP2\"}").getJsonNumber("id").longValue();
        assertEquals(200, viewer.get("/api/sessions").status());
        assertEquals(200, viewer.get("/api/sessions/" + id).status());
        assertError(viewer.post("/api/sessions/" + id + "/close", ""), 403, null);
        assertError(Api.anonymousManagement().get("/api/sessions"), 401, null);
        assertEquals(404, pi.get("/api/sessions").status(), "not on the deployment listener");
    }

    @Test
    void aPinnedKartNumberWaitsForItsBoardAndAReplacementTakesAFailedBoardsName() {
        images();
        venue("PIN1", "1-6");
        Reply pinned = admin.put("/api/hostnames/KXP2-PIN1-003/pin", "{\"serial_number\":\"10000000919e0003\"}");
        assertEquals(200, pinned.status(), pinned.toString());
        assertEquals("10000000919e0003", pinned.json().getString("pinned_serial"));

        JsonObject q = config(kxp2("PIN1", "10000000919e0001"));
        assertEquals("KXP2-PIN1-001", q.getString("hostname"));
        assertEquals("KXP2-PIN1-002", config(kxp2("PIN1", "10000000919e0002")).getString("hostname"));
        assertEquals("KXP2-PIN1-004", config(kxp2("PIN1", "10000000919e0004")).getString("hostname"),
                "nobody else takes a pinned number");
        // the pinned board gets its number even without venue or product (and no session open)
        assertEquals("KXP2-PIN1-003", config(board("10000000919e0003")).getString("hostname"));

        assertError(admin.put("/api/hostnames/KXP2-PIN1-005/pin", "{\"serial_number\":\"10000000919e0003\"}"),
                409, "serial_number");
        assertError(admin.put("/api/hostnames/KXP2-PIN1-001/pin", "{\"serial_number\":\"10000000919e0099\"}"),
                409, "board_gone");
        assertError(admin.put("/api/hostnames/KXP2-PIN1-005/pin", "{}"), 400, "serial_number");
        assertError(admin.put("/api/hostnames/KXP2-NONE-005/pin", "{\"serial_number\":\"10000000919e0099\"}"),
                404, null);

        // board 1 is still imaging: no replacement yet; then it fails
        String replacement = "{\"serial_number\":\"10000000919e0011\"}";
        assertError(admin.post("/api/hostnames/KXP2-PIN1-001/replace", replacement), 409, "board_gone");
        long qId = q.getJsonNumber("deployment_id").longValue();
        assertEquals(200, pi.post("/api/status", "{\"deployment_id\":" + qId + ",\"status\":\"failed\","
                + "\"serial\":\"10000000919e0001\",\"message\":\"card write error\"}").status());
        assertError(admin.post("/api/hostnames/KXP2-PIN1-001/replace", "{\"serial_number\":\"10000000919e0002\"}"),
                409, "serial_number");
        assertError(admin.post("/api/hostnames/KXP2-PIN1-006/replace", replacement), 409, null);
        Reply replaced = admin.post("/api/hostnames/KXP2-PIN1-001/replace", replacement);
        assertEquals(200, replaced.status(), replaced.toString());
        assertEquals("10000000919e0011", replaced.json().getString("serial_number"));
        assertEquals("10000000919e0001", replaced.json().getString("replaced_serial"));
        assertEquals("KXP2-PIN1-001", config(kxp2("PIN1", "10000000919e0011")).getString("hostname"));
        // the failed board, back, is a new board: it gets a free number
        assertEquals("KXP2-PIN1-005", config(kxp2("PIN1", "10000000919e0001")).getString("hostname"));

        String audit = admin.get("/api/audit?action=hostname&limit=100").body();
        assertTrue(audit.contains("\"hostname.pin\"") && audit.contains("\"hostname.replace\""), audit);
    }

    @Test
    void aHostnameIsNotReleasedUnderABoardStillImagingAndNeverFinishesTwice() {
        images();
        venue("REL1", "1-2");
        String first = "10000000be1e0001";
        JsonObject a = config(kxp2("REL1", first));
        long aId = a.getJsonNumber("deployment_id").longValue();
        assertEquals("KXP2-REL1-001", a.getString("hostname"));
        assertEquals(200, pi.post("/api/status", withId(aId, "downloading", first)).status());

        Reply refused = admin.post("/api/hostnames/KXP2-REL1-001/release", "");
        assertError(refused, 409, "board_gone");
        assertTrue(refused.json().getString("message").contains("still imaging"), refused.toString());
        assertError(admin.post("/api/hostnames/KXP2-REL1-001/retire", ""), 409, "board_gone");
        assertError(admin.post("/api/hostnames/KXP2-REL1-001/release?board_gone=maybe", ""), 400, "board_gone");

        Reply released = admin.post("/api/hostnames/KXP2-REL1-001/release?board_gone=true", "");
        assertEquals(200, released.status(), released.toString());
        assertEquals("interrupted", admin.get("/api/deployments/" + aId).json().getJsonObject("deployment")
                .getString("status"));

        String second = "10000000be1e0002";
        JsonObject b = config(kxp2("REL1", second));
        assertEquals("KXP2-REL1-001", b.getString("hostname"));
        long bId = b.getJsonNumber("deployment_id").longValue();
        for (String state : new String[] {"downloading", "verifying", "customizing", "success"}) {
            assertEquals(200, pi.post("/api/status", withId(bId, state, second)).status(), state);
        }
        // the first board was not gone after all: it may not finish under the name the second one holds
        assertError(pi.post("/api/status", withId(aId, "success", first)), 409, "status");
        JsonObject successes = admin.get("/api/deployments?hostname=KXP2-REL1-001&status=success").json();
        assertEquals(1, successes.getInt("total"), successes.toString());
    }

    private JsonObject open(String json) {
        Reply reply = admin.post("/api/sessions", json);
        assertEquals(201, reply.status(), reply.toString());
        JsonObject session = reply.json();
        long id = session.getJsonNumber("id").longValue();
        opened.add(id);
        assertTrue(reply.raw().headers().firstValue("Location").orElse("").endsWith("/api/sessions/" + id));
        return session;
    }

    private JsonObject config(String json) {
        Reply reply = pi.post("/api/config", json);
        assertEquals(200, reply.status(), reply.toString());
        return reply.json();
    }

    private static JsonObject find(List<JsonValue> sessions, long id) {
        return sessions.stream().map(JsonValue::asJsonObject).filter(s -> s.getJsonNumber("id").longValue() == id)
                .findFirst().orElseThrow(() -> new AssertionError("session " + id + " not listed: " + sessions));
    }

    private void venue(String code, String numbers) {
        Reply reply = admin.post("/api/venues", "{\"code\":\"" + code + "\",\"name\":\"Venue " + code + "\"}");
        assertEquals(201, reply.status(), reply.toString());
        Reply pool = admin.post("/api/kart-numbers", "{\"venue_code\":\"" + code + "\",\"numbers\":\"" + numbers
                + "\"}");
        assertEquals(200, pool.status(), pool.toString());
    }

    /** A KXP2 test image (not active) and the active one, once per server. */
    private synchronized void images() {
        if (activeVersion != null) {
            return;
        }
        testImageId = ItImages.uploadActive(admin, "KXP2", "it-sess-test", "sess-test.img",
                ItImages.disk(32 * 1024, 16)).getJsonNumber("id").longValue();
        activeVersion = ItImages.uploadActive(admin, "KXP2", "it-sess-1", "sess-active.img",
                ItImages.disk(32 * 1024, 17)).getString("version");
    }

    private static String board(String serial) {
        return "{\"serial_number\":\"" + serial + "\"}";
    }

    private static String kxp2(String venue, String serial) {
        return "{\"product_type\":\"KXP2\",\"venue_code\":\"" + venue + "\",\"serial_number\":\"" + serial + "\"}";
    }

    private static String withId(long id, String status, String serial) {
        return "{\"deployment_id\":" + id + ",\"status\":\"" + status + "\",\"serial\":\"" + serial + "\"}";
    }
}
