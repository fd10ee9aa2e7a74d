package io.rpideploy.it;

import static io.rpideploy.it.ManagementApiIT.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.it.Api.Reply;
import jakarta.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * {@code GET /api/venues/{code}/rollout} over boards booted through the deployment API: one done, one failed, one
 * imaging, the rest never imaged, one retired; then a release and an RXP2 pool. Errors in the API's shape.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RolloutApiIT {

    private static final String VENUE = "ROLA";

    @Deployment(testable = false)
    static WebArchive war() {
        return ItServer.war();
    }

    @Test
    @Order(1)
    void eachKartHasTheStateOfTheBoardHoldingItsName() {
        Api admin = Api.admin();
        assertEquals(201, admin.post("/api/venues", "{\"code\":\"" + VENUE + "\",\"name\":\"Rollout API\"}")
                .status());
        assertEquals(200, admin.post("/api/kart-numbers", "{\"venue_code\":\"" + VENUE + "\",\"numbers\":\"1-6\"}")
                .status());
        ItImages.uploadActive(admin, "KXP2", "3.1.0", "rollout-api.img", ItImages.disk(64 * 1024, 21));
        ItImages.uploadActive(admin, "RXP2", "5.0.2", "rollout-api-rxp2.img", ItImages.disk(64 * 1024, 22));

        long done = config("KXP2", "10000000a0110001");
        finish(done);
        long failed = config("KXP2", "10000000a0110002");
        status(failed, "downloading", 60, null);
        status(failed, "failed", 60, "SHA-256 mismatch after write");
        long imaging = config("KXP2", "10000000a0110003");
        status(imaging, "downloading", 40, null);
        assertEquals(200, admin.post("/api/hostnames/KXP2-" + VENUE + "-006/retire", "").status());

        JsonObject board = admin.get("/api/venues/" + VENUE.toLowerCase() + "/rollout?product_type=KXP2").json();
        assertEquals(VENUE, board.getString("venue_code"));
        assertEquals("KXP2", board.getString("product_type"));
        assertEquals(5, board.getInt("total"), board.toString());
        assertEquals(1, board.getInt("done"));
        assertEquals(1, board.getInt("imaging"));
        assertEquals(1, board.getInt("failed"));
        assertEquals(2, board.getInt("not_imaged"));
        assertEquals(1, board.getInt("retired"));
        Map<String, JsonObject> karts = karts(board);
        assertEquals(List.of("001", "002", "003", "004", "005", "006"), board.getJsonArray("karts").stream()
                .map(k -> k.asJsonObject().getString("identifier")).toList());

        JsonObject k1 = karts.get("001");
        assertEquals("done", k1.getString("state"));
        assertEquals("3.1.0", k1.getString("image_version"));
        assertEquals(100, k1.getInt("progress"));
        assertFalse(k1.isNull("completed_at"));
        assertFalse(k1.isNull("last_deployment_at"));
        assertEquals(done, k1.getJsonNumber("deployment_id").longValue());
        assertEquals("10000000a0110001", k1.getString("serial_number"));
        assertTrue(k1.isNull("failure_reason"));

        JsonObject k2 = karts.get("002");
        assertEquals("failed", k2.getString("state"));
        assertEquals("SHA-256 mismatch after write", k2.getString("failure_reason"));

        JsonObject k3 = karts.get("003");
        assertEquals("imaging", k3.getString("state"));
        assertEquals(40, k3.getInt("progress"));
        assertEquals("downloading", k3.getString("deployment_status"));

        JsonObject k4 = karts.get("004");
        assertEquals("not_imaged", k4.getString("state"));
        assertEquals("not imaged", k4.getString("state_label"));
        assertTrue(k4.isNull("deployment_id") && k4.isNull("last_deployment_at") && k4.isNull("progress"));
        assertEquals("retired", karts.get("006").getString("state"));

        // product_type defaults to KXP2
        assertEquals(board, admin.get("/api/venues/" + VENUE + "/rollout").json());
    }

    @Test
    @Order(2)
    void aReleasedKartIsNotImagedAgainButKeepsItsLastDeployment() {
        Api admin = Api.admin();
        assertEquals(200, admin.post("/api/hostnames/KXP2-" + VENUE + "-001/release", "").status());
        JsonObject k1 = karts(admin.get("/api/venues/" + VENUE + "/rollout").json()).get("001");
        assertEquals("not_imaged", k1.getString("state"), k1.toString());
        assertEquals("available", k1.getString("slot_status"));
        assertFalse(k1.isNull("last_deployment_at"), "its history is still there");
        assertTrue(k1.isNull("image_version"), "the released board's image is not the kart's");
    }

    @Test
    @Order(3)
    void anRxp2PoolListsItsSerialNamedBoards() {
        long rx = config("RXP2", "10000000a011beef");
        status(rx, "downloading", 15, null);
        JsonObject board = Api.admin().get("/api/venues/" + VENUE + "/rollout?product_type=rxp2").json();
        assertEquals("RXP2", board.getString("product_type"));
        assertEquals(1, board.getInt("total"), board.toString());
        JsonObject k = board.getJsonArray("karts").getJsonObject(0);
        assertEquals("RXP2-" + VENUE + "-A011BEEF", k.getString("hostname").toUpperCase());
        assertEquals("imaging", k.getString("state"));
        assertEquals(15, k.getInt("progress"));
    }

    @Test
    @Order(4)
    void badRequestsGetTheApisErrorShape() {
        Api admin = Api.admin();
        assertError(admin.get("/api/venues/NOPE/rollout"), 404, null);
        assertError(admin.get("/api/venues/" + VENUE + "/rollout?product_type=ZXP9"), 400, "product_type");
        assertError(admin.get("/api/venues/" + VENUE + "/rollout?product_type="), 400, "product_type");
        Reply anonymous = Api.anonymousManagement().get("/api/venues/" + VENUE + "/rollout");
        assertEquals(401, anonymous.status(), anonymous.toString());
        assertEquals("unauthorized", anonymous.json().getString("error"));
        // the deployment listener does not serve the management API
        assertError(Api.deployment().get("/api/venues/" + VENUE + "/rollout"), 404, null);
        // a viewer reads the board
        assertEquals(201, admin.post("/api/users", "{\"username\":\"rollview\",\"role\":\"viewer\","
                + "\"password\":\"viewer-pass-2024\"}").status());
        assertEquals(200, Api.management("rollview", "viewer-pass-2024").get("/api/venues/" + VENUE + "/rollout")
                .status());
    }

    private static Map<String, JsonObject> karts(JsonObject board) {
        Map<String, JsonObject> byId = new HashMap<>();
        board.getJsonArray("karts").forEach(k -> byId.put(k.asJsonObject().getString("identifier"),
                k.asJsonObject()));
        return byId;
    }

    static long config(String product, String serial) {
        Reply config = Api.deployment().post("/api/config", "{\"serial_number\":\"" + serial
                + "\",\"venue_code\":\"" + VENUE + "\",\"product_type\":\"" + product + "\"}");
        assertEquals(200, config.status(), config.toString());
        return config.json().getJsonNumber("deployment_id").longValue();
    }

    private static void finish(long deployment) {
        status(deployment, "downloading", 100, null);
        status(deployment, "verifying", 100, null);
        status(deployment, "customizing", 100, null);
        status(deployment, "success", 100, null);
    }

    private static void status(long deployment, String state, int progress, String error) {
        Reply reply = Api.deployment().post("/api/status", "{\"deployment_id\":" + deployment + ",\"status\":\""
                + state + "\",\"progress\":" + progress + (error == null ? "" : ",\"error_message\":\"" + error
                + "\"") + "}");
        assertEquals(200, reply.status(), reply.toString());
    }
}
