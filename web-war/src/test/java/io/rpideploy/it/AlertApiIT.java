package io.rpideploy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.it.Api.Reply;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /api/alerts} against the real war: a board that fails through the deployment API raises one alert (pushed
 * live), a viewer sees it and may not acknowledge it, an operator acknowledges it once (audited), and bad input gets
 * the API's JSON error naming its field.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AlertApiIT {

    private static final String VENUE = "ALRT";
    private static final String OPERATOR = "alertop";
    private static final String OPERATOR_PASSWORD = "operator-pass-2024";
    private static final String VIEWER = "alertview";
    private static final String VIEWER_PASSWORD = "viewer-pass-2024";

    private static final String MANY_VENUE = "ALRM";
    /** More failed boards than the open list shows. */
    private static final int MANY = 101;
    /** A few rounds of the checks on the ITs' server (every 2 s). */
    private static final long ROUNDS = 7_000;

    private static long deployment;
    private static long alertId;

    @Deployment(testable = false)
    static WebArchive war() {
        return ItServer.war();
    }

    @Test
    @Order(1)
    void aBoardThatFailsRaisesOneAlertPushedLiveAndSeenByAViewer() throws Exception {
        Api admin = Api.admin();
        assertEquals(201, admin.post("/api/venues", "{\"code\":\"" + VENUE + "\",\"name\":\"Alert Raceway\"}")
                .status());
        assertEquals(200, admin.post("/api/kart-numbers", "{\"venue_code\":\"" + VENUE + "\",\"numbers\":\"1-5\"}")
                .status());
        for (String[] user : List.of(new String[] {OPERATOR, "operator", OPERATOR_PASSWORD},
                new String[] {VIEWER, "viewer", VIEWER_PASSWORD})) {
            assertEquals(201, admin.post("/api/users", "{\"username\":\"" + user[0] + "\",\"role\":\"" + user[1]
                    + "\",\"password\":\"" + user[2] + "\"}").status());
        }
        ItImages.uploadActive(admin, "KXP2", "alert-1", "alert.img", ItImages.disk(128 * 1024, 9));

        LiveWatcher live = LiveWatcher.connect(Api.MANAGEMENT_PORT, VIEWER, VIEWER_PASSWORD);
        try {
            JsonObject config = config("10000000a1e70001", "2c:cf:67:00:a1:01");
            deployment = config.getJsonNumber("deployment_id").longValue();
            fail(deployment, "SD card write error");
            JsonObject pushed = live.until(Duration.ofSeconds(20), m -> "alert.raised".equals(m.getString("type"))
                    && ("deployment " + deployment).equals(m.getJsonObject("alert").getString("cause")));
            JsonObject alert = pushed.getJsonObject("alert");
            assertEquals("failed_board", alert.getString("kind"));
            assertEquals("open", alert.getString("state"));
            assertTrue(alert.getString("message").contains(config.getString("hostname"))
                    && alert.getString("message").contains("SD card write error"), alert.toString());
            alertId = alert.getJsonNumber("id").longValue();
        } finally {
            live.close();
        }

        // the same failure reported again (the installer retries its last report) is refused and raises nothing
        Reply repeated = Api.deployment().post("/api/status", "{\"deployment_id\":" + deployment
                + ",\"status\":\"failed\",\"error_message\":\"SD card write error\"}");
        assertEquals(409, repeated.status(), repeated.toString());
        Reply open = Api.management(VIEWER, VIEWER_PASSWORD).get("/api/alerts");
        assertEquals(200, open.status(), open.toString());
        assertEquals(1, ofCause(open.json(), "deployment " + deployment), open.toString());
    }

    @Test
    @Order(2)
    void aViewerMayNotAcknowledgeAndBadInputNamesItsField() {
        Reply viewer = Api.management(VIEWER, VIEWER_PASSWORD).post("/api/alerts/" + alertId + "/acknowledge", "");
        assertEquals(403, viewer.status(), viewer.toString());
        assertTrue(viewer.json().containsKey("error") && viewer.json().containsKey("message"), viewer.toString());

        Api operator = Api.management(OPERATOR, OPERATOR_PASSWORD);
        Reply badState = operator.get("/api/alerts?state=closed");
        assertEquals(400, badState.status(), badState.toString());
        assertEquals("state", badState.json().getString("field"));
        Reply badId = operator.post("/api/alerts/abc/acknowledge", "");
        assertEquals(400, badId.status(), badId.toString());
        assertEquals("id", badId.json().getString("field"));
        Reply missing = operator.post("/api/alerts/987654/acknowledge", "");
        assertEquals(404, missing.status(), missing.toString());
        assertTrue(missing.json().getString("message").contains("987654"), missing.toString());
        assertEquals(401, Api.anonymousManagement().get("/api/alerts").status());
        assertEquals(404, Api.deployment().get("/api/alerts").status(), "not on the deployment listener");
    }

    @Test
    @Order(3)
    void anOperatorAcknowledgesOnceWhoAndWhenAreStoredAndAudited() {
        Api operator = Api.management(OPERATOR, OPERATOR_PASSWORD);
        Reply ack = operator.post("/api/alerts/" + alertId + "/acknowledge", "");
        assertEquals(200, ack.status(), ack.toString());
        assertEquals("acknowledged", ack.json().getString("state"));
        assertEquals(OPERATOR, ack.json().getString("acknowledged_by"));
        assertFalse(ack.json().isNull("acknowledged_at"));

        Reply again = Api.admin().post("/api/alerts/" + alertId + "/acknowledge", "");
        assertEquals(409, again.status(), again.toString());
        assertTrue(again.json().getString("message").contains(OPERATOR), again.toString());

        assertEquals(0, ofCause(operator.get("/api/alerts?state=open").json(), "deployment " + deployment));
        JsonObject all = operator.get("/api/alerts?state=all").json();
        JsonObject stored = all.getJsonArray("alerts").stream().map(v -> v.asJsonObject())
                .filter(a -> a.getJsonNumber("id").longValue() == alertId).findFirst().orElseThrow();
        assertEquals(OPERATOR, stored.getString("acknowledged_by"));

        Reply audit = Api.admin().get("/api/audit?action=alert.acknowledge");
        assertEquals(200, audit.status(), audit.toString());
        JsonObject event = audit.json().getJsonArray("events").getJsonObject(0);
        assertEquals(OPERATOR, event.getString("actor"));
        assertEquals("alert " + alertId, event.getString("target"));
        assertEquals(1, audit.json().getInt("total"), "the refused second acknowledgement is not logged");
    }

    @Test
    @Order(4)
    void aBootEnvironmentNotReadyIsRaisedOnceByTheChecksAndNotAgainOnceAcknowledged() throws Exception {
        // the test image has no partitions, so the KXP2 boot environment cannot be built from it; the ITs' server
        // checks every 2 s (RPIDEPLOY_ALERTS_CHECK_INTERVAL_SECONDS in the pom), so a few seconds are a few rounds
        String cause = "boot-environment KXP2";
        Api operator = Api.management(OPERATOR, OPERATOR_PASSWORD);
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (ofCause(operator.get("/api/alerts").json(), cause) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        JsonObject raised = operator.get("/api/alerts").json().getJsonArray("alerts").stream()
                .map(v -> v.asJsonObject()).filter(a -> cause.equals(a.getString("cause"))).findFirst()
                .orElseThrow(() -> new AssertionError("no boot environment alert within 90 s"));
        assertEquals("boot_environment", raised.getString("kind"));
        assertTrue(raised.getString("message").contains("not ready"), raised.toString());

        Thread.sleep(ROUNDS); // the next checks find it still not ready
        assertEquals(1, ofCause(operator.get("/api/alerts?state=all").json(), cause), "raised once while it waits");
        long id = raised.getJsonNumber("id").longValue();
        assertEquals(200, operator.post("/api/alerts/" + id + "/acknowledge", "").status());
        Thread.sleep(ROUNDS); // and the ones after: still not ready, but acknowledged
        assertEquals(0, ofCause(operator.get("/api/alerts").json(), cause), "not raised again while it lasts");
        assertEquals(1, ofCause(operator.get("/api/alerts?state=all").json(), cause), "no second row either");
    }

    @Test
    @Order(5)
    void aBadDayListsTheNewestHundredCountsTheRestAndAnOperatorAcknowledgesAllOfAKindOnce() {
        Api admin = Api.admin();
        assertEquals(201, admin.post("/api/venues", "{\"code\":\"" + MANY_VENUE + "\",\"name\":\"Bad Day Raceway\"}")
                .status());
        assertEquals(200, admin.post("/api/kart-numbers", "{\"venue_code\":\"" + MANY_VENUE
                + "\",\"numbers\":\"1-" + (MANY + 5) + "\"}").status());
        for (int i = 0; i < MANY; i++) {
            JsonObject config = config(MANY_VENUE, String.format("10000000a2e7%04x", i),
                    String.format("2c:cf:67:00:a2:%02x", i));
            fail(config.getJsonNumber("deployment_id").longValue(), "bad card " + i);
        }

        Api viewer = Api.management(VIEWER, VIEWER_PASSWORD);
        JsonObject open = viewer.get("/api/alerts").json();
        long failed = open.getJsonObject("by_kind").getJsonNumber("failed_board").longValue();
        assertTrue(failed >= MANY, open.getJsonObject("by_kind").toString());
        long total = open.getJsonObject("by_kind").values().stream()
                .mapToLong(v -> ((jakarta.json.JsonNumber) v).longValue()).sum();
        assertEquals(100, open.getJsonArray("alerts").size(), "the newest hundred only");
        assertEquals(total - 100, open.getJsonNumber("more").longValue(), "the rest counted");
        assertTrue(open.getJsonArray("alerts").getJsonObject(0).getString("message").contains("bad card " + (MANY - 1)),
                "newest first");
        JsonObject all = viewer.get("/api/alerts?state=all").json();
        int listed = all.getJsonArray("alerts").size();
        long older = all.getJsonNumber("more").longValue();
        assertTrue(listed <= 200 && listed + older >= total, listed + " listed, " + older + " more");
        assertEquals(listed < 200 ? 0 : older, older, "more only when the list is full");

        String body = "{\"kind\":\"failed_board\"}";
        Reply refused = viewer.post("/api/alerts/acknowledge", body);
        assertEquals(403, refused.status(), refused.toString());
        Api operator = Api.management(OPERATOR, OPERATOR_PASSWORD);
        Reply badKind = operator.post("/api/alerts/acknowledge", "{\"kind\":\"everything\"}");
        assertEquals(400, badKind.status(), badKind.toString());
        assertEquals("kind", badKind.json().getString("field"));
        assertEquals(400, operator.post("/api/alerts/acknowledge", "[]").status(), "not an object");

        Reply acknowledged = operator.post("/api/alerts/acknowledge", body);
        assertEquals(200, acknowledged.status(), acknowledged.toString());
        assertEquals(failed, acknowledged.json().getInt("acknowledged"));
        JsonObject after = viewer.get("/api/alerts").json();
        assertFalse(after.getJsonObject("by_kind").containsKey("failed_board"), after.toString());
        assertTrue(after.getJsonArray("alerts").stream()
                .noneMatch(a -> "failed_board".equals(a.asJsonObject().getString("kind"))), after.toString());
        assertEquals(0, after.getJsonNumber("more").longValue());
        assertEquals(0, operator.post("/api/alerts/acknowledge", body).json().getInt("acknowledged"), "none left");

        Reply audit = Api.admin().get("/api/audit?action=alert.acknowledge-all&actor=" + OPERATOR);
        assertEquals(200, audit.status(), audit.toString());
        assertEquals(1, audit.json().getInt("total"), "audited once, with the count; nothing for none: " + audit);
        JsonObject event = audit.json().getJsonArray("events").getJsonObject(0);
        assertEquals(OPERATOR, event.getString("actor"));
        assertTrue(event.getString("details").startsWith(failed + " "), event.toString());
    }

    private static JsonObject config(String serial, String mac) {
        return config(VENUE, serial, mac);
    }

    private static JsonObject config(String venue, String serial, String mac) {
        Reply config = Api.deployment().post("/api/config", "{\"product_type\":\"KXP2\",\"venue_code\":\"" + venue
                + "\",\"serial_number\":\"" + serial + "\",\"mac_address\":\"" + mac + "\"}");
        assertEquals(200, config.status(), config.toString());
        return config.json();
    }

    private static void fail(long id, String error) {
        Reply fail = Api.deployment().post("/api/status", "{\"deployment_id\":" + id
                + ",\"status\":\"failed\",\"error_message\":\"" + error + "\"}");
        assertEquals(200, fail.status(), fail.toString());
    }

    private static long ofCause(JsonObject page, String cause) {
        return page.getJsonArray("alerts").stream().filter(v -> cause.equals(v.asJsonObject().getString("cause")))
                .count();
    }
}
