package io.rpideploy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.it.Api.Reply;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The management API against the real war on Payara Micro (with the netboot rar and domain-config's boot files),
 * driven over HTTP as a script or curl would.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ManagementApiIT {

    @Deployment(testable = false)
    static WebArchive war() {
        return ItServer.war();
    }

    private final Api admin = Api.admin();

    @Test
    void healthAnswersOnBothListenersWithoutLogin() {
        for (Api api : new Api[] {Api.anonymousManagement(), Api.deployment()}) {
            Reply health = api.get("/health");
            assertEquals(200, health.status(), health.toString());
            assertEquals("UP", health.json().getString("status"));
            JsonObject checks = health.json().getJsonObject("checks");
            assertEquals("wal", checks.getJsonObject("database").getString("journal_mode"));
            assertTrue(checks.getJsonObject("image_store").getJsonNumber("free_bytes").longValue() > 0, health.body());
            assertEquals(10, checks.getJsonObject("downloads").getInt("max_concurrent"));
            assertEquals("up", checks.getJsonObject("netboot").getString("status"), "the rar runs beside the war");
        }
    }

    @Test
    void venueLifecycleFollowsThePlan() {
        Reply created = admin.post("/api/venues",
                "{\"code\":\"ven1\",\"name\":\"Venue One\",\"location\":\"Track 1\",\"contact_email\":\"a@b.example\"}");
        assertEquals(201, created.status(), created.toString());
        assertTrue(created.json().getBoolean("success"));
        assertEquals("VEN1", created.json().getString("venue_code"));

        Reply list = admin.get("/api/venues");
        assertTrue(list.json().getJsonArray("venues").stream()
                .anyMatch(v -> v.asJsonObject().getString("code").equals("VEN1")), list.toString());

        Reply updated = admin.put("/api/venues/ven1", "{\"name\":\"Venue 1\",\"location\":null}");
        assertEquals(200, updated.status(), updated.toString());
        assertEquals("Venue 1", updated.json().getString("name"));
        assertTrue(updated.json().isNull("location"));

        assertEquals(409, admin.post("/api/venues", "{\"code\":\"VEN1\",\"name\":\"again\"}").status());
        assertEquals(204, admin.delete("/api/venues/VEN1").status());
        assertEquals(404, admin.get("/api/venues/VEN1").status());
    }

    @Test
    void badInputGetsAJsonErrorNamingTheField() {
        assertError(admin.post("/api/venues", "{\"code\":\"TOOLONG\",\"name\":\"x\"}"), 400, "code");
        assertError(admin.post("/api/venues", "{\"code\":\"ok12\"}"), 400, "name");
        assertError(admin.post("/api/venues", "{\"code\":\"ok12\",\"name\":\"x\",\"contact_email\":\"x@\"}"), 400,
                "contact_email");
        assertError(admin.post("/api/venues", "{not json"), 400, null);
        assertError(admin.post("/api/venues", "[1,2]"), 400, null);
        assertError(admin.post("/api/kart-numbers", "{\"venue_code\":\"NOPE\",\"numbers\":[1]}"), 404, null);
        assertError(admin.post("/api/kart-numbers", "{\"venue_code\":\"NOPE\"}"), 400, "numbers");
        assertError(admin.post("/api/hostname/assign", "{\"product_type\":\"XYZ\",\"venue_code\":\"ABCD\"}"), 400,
                "product_type");
        assertError(admin.get("/api/no-such-thing"), 404, null);
        assertError(admin.delete("/api/stats"), 405, null);
        assertError(admin.get("/api/venues/CODE/slots?status=lost"), 400, "status");
    }

    @Test
    void kartNumbersImportReportsEachBadItemAndSkipsDuplicates() {
        venue("KRT1");
        Reply imported = admin.post("/api/kart-numbers",
                "{\"venue_code\":\"krt1\",\"numbers\":\"1-50, 55, 60-70, 5, abc, 0, 12-3\"}");
        assertEquals(200, imported.status(), imported.toString());
        JsonObject json = imported.json();
        assertEquals(62, json.getInt("added"));
        assertEquals(1, json.getInt("duplicates"));
        assertEquals(3, json.getJsonArray("invalid").size());
        assertEquals("abc", json.getJsonArray("invalid").getJsonObject(0).getString("item"));

        Reply again = admin.post("/api/kart-numbers", "{\"venue_code\":\"KRT1\",\"numbers\":[1, \"2\", 71]}");
        assertEquals(1, again.json().getInt("added"), again.toString());
        assertEquals(2, again.json().getInt("duplicates"));

        // nothing importable at all is a failure to fix, never "success" with 0 added
        Reply none = admin.post("/api/kart-numbers", "{\"venue_code\":\"KRT1\",\"numbers\":\"1-5000\"}");
        assertError(none, 400, "numbers");
        assertTrue(none.json().getString("message").contains("1-5000"), none.toString());

        Reply csv = admin.post("/api/venues/KRT1/kart-numbers", "text/csv", "kart_number\n80\n81,82\n90-91\n");
        assertEquals(5, csv.json().getInt("added"), csv.toString());

        Reply slots = admin.get("/api/venues/KRT1/slots?status=available&limit=3");
        assertEquals(68, slots.json().getInt("total"), slots.toString());
        assertEquals("KXP2-KRT1-001", slots.json().getJsonArray("slots").getJsonObject(0).getString("hostname"));
        assertEquals(3, slots.json().getJsonArray("slots").size());
    }

    @Test
    void kxp2TakesTheLowestNumberAndIsIdempotentPerBoard() {
        venue("KXP1");
        admin.post("/api/kart-numbers", "{\"venue_code\":\"KXP1\",\"numbers\":\"7, 3, 12\"}");
        String first = assign("KXP2", "KXP1", "10000000aaaa0001", null).getString("hostname");
        assertEquals("KXP2-KXP1-003", first);
        JsonObject again = assign("KXP2", "KXP1", "10000000AAAA0001", "2c:cf:67:00:00:01");
        assertEquals(first, again.getString("hostname"));
        assertTrue(again.getBoolean("reused"));
        // a board known only by its MAC is recognised by it
        String byMac = assign("KXP2", "KXP1", null, "2C-CF-67-00-00-99").getString("hostname");
        assertEquals("KXP2-KXP1-007", byMac);
        assertEquals(byMac, assign("KXP2", "KXP1", null, "2ccf67000099").getString("hostname"));

        // release puts the number back; the next board takes the lowest again
        assertEquals("available", admin.post("/api/hostnames/KXP2-KXP1-003/release", "").json().getString("status"));
        assertEquals("KXP2-KXP1-003", assign("KXP2", "KXP1", "10000000aaaa0002", null).getString("hostname"));
        // a retired number is never handed out again
        assertEquals("retired", admin.post("/api/hostnames/KXP2-KXP1-012/retire", "").json().getString("status"));
        Reply exhausted = admin.post("/api/hostname/assign",
                "{\"product_type\":\"KXP2\",\"venue_code\":\"KXP1\",\"serial_number\":\"10000000aaaa0003\"}");
        assertError(exhausted, 409, null);
        assertTrue(exhausted.json().getString("message").contains("No kart numbers available"), exhausted.toString());

        JsonObject stats = admin.get("/api/venues/KXP1/stats").json();
        assertEquals(0, stats.getInt("available"));
        assertEquals(2, stats.getInt("assigned"));
        assertEquals(1, stats.getInt("retired"));
        assertEquals(0, stats.getInt("total_deployments"));
        assertTrue(stats.isNull("last_deployment"));
    }

    @Test
    void rxp2IsNamedAfterTheSerial() {
        venue("RXP1");
        JsonObject a = assign("RXP2", "rxp1", "10000000abc12345", null);
        assertEquals("RXP2-RXP1-ABC12345", a.getString("hostname"));
        assertEquals(a.getString("hostname"), assign("RXP2", "RXP1", "10000000abc12345", null).getString("hostname"));
        Reply noSerial = admin.post("/api/hostname/assign",
                "{\"product_type\":\"RXP2\",\"venue_code\":\"RXP1\",\"mac_address\":\"2c:cf:67:00:00:02\"}");
        assertError(noSerial, 400, "serial_number");
        // another board whose serial ends the same way cannot take the name
        Reply clash = admin.post("/api/hostname/assign",
                "{\"product_type\":\"RXP2\",\"venue_code\":\"RXP1\",\"serial_number\":\"20000000abc12345\"}");
        assertError(clash, 409, "serial_number");
    }

    @Test
    void aBoardMovedToAnotherVenueGivesItsOldNumberBack() {
        venue("MOV1");
        venue("MOV2");
        admin.post("/api/kart-numbers", "{\"venue_code\":\"MOV1\",\"numbers\":\"1-2\"}");
        admin.post("/api/kart-numbers", "{\"venue_code\":\"MOV2\",\"numbers\":\"1-2\"}");
        assertEquals("KXP2-MOV1-001", assign("KXP2", "MOV1", "10000000bbbb0001", null).getString("hostname"));
        assertEquals("KXP2-MOV2-001", assign("KXP2", "MOV2", "10000000bbbb0001", null).getString("hostname"));
        assertEquals(2, admin.get("/api/venues/MOV1/stats").json().getInt("available"));
        assertEquals(409, admin.delete("/api/venues/MOV2").status());
        assertEquals(204, admin.delete("/api/venues/MOV1").status());
    }

    @Test
    void statsHasThePlansFields() {
        JsonObject stats = admin.get("/api/stats").json();
        for (String field : new String[] {"active_deployments", "completed_today", "failed_today", "total_devices"}) {
            assertTrue(stats.containsKey(field), field + " in " + stats);
        }
    }

    @Test
    void managementNeedsALoginAndTheRightRole() {
        Reply anonymous = Api.anonymousManagement().get("/api/venues");
        assertError(anonymous, 401, null);
        assertTrue(anonymous.raw().headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
        assertError(Api.management("admin", "wrong-password").get("/api/venues"), 401, null);
        assertError(Api.management("nobody", "whatever-pass").get("/api/venues"), 401, null);

        assertEquals(201, admin.post("/api/users",
                "{\"username\":\"vera\",\"role\":\"viewer\",\"password\":\"viewer-pass-1\"}").status());
        assertEquals(201, admin.post("/api/users",
                "{\"username\":\"otto\",\"role\":\"operator\",\"password\":\"operator-pass-1\"}").status());
        assertError(admin.post("/api/users", "{\"username\":\"shorty\",\"role\":\"viewer\",\"password\":\"abc\"}"),
                400, "password");
        Api viewer = Api.management("vera", "viewer-pass-1");
        Api operator = Api.management("otto", "operator-pass-1");

        assertEquals(200, viewer.get("/api/venues").status());
        assertEquals(200, viewer.get("/api/stats").status());
        assertError(viewer.post("/api/venues", "{\"code\":\"VW01\",\"name\":\"x\"}"), 403, null);
        assertError(viewer.get("/api/users"), 403, null);
        assertEquals(201, operator.post("/api/venues", "{\"code\":\"OP01\",\"name\":\"x\"}").status());
        assertError(operator.get("/api/users"), 403, null);

        // a disabled account is locked out at once, even with a remembered password
        assertEquals(200, admin.put("/api/users/otto", "{\"enabled\":false}").status());
        assertError(operator.get("/api/venues"), 401, null);
        // the last admin cannot lock everybody out
        assertError(admin.put("/api/users/admin", "{\"role\":\"viewer\"}"), 409, null);
    }

    @Test
    void eachListenerServesOnlyItsOwnPaths() {
        Reply onDeployment = Api.deployment().get("/api/venues");
        assertError(onDeployment, 404, null);
        assertError(Api.deployment().post("/api/hostname/assign", "{}"), 404, null);
        assertError(Api.deployment().get("/login.xhtml"), 404, null);
        // deployment paths are not served on the management listener, even to an admin
        assertError(admin.post("/api/config", "{}"), 404, null);
        assertError(admin.get("/images/anything.img"), 404, null);
    }

    @Test
    void everyChangeIsAuditedWithWhoAndWhen() {
        venue("AUD1");
        assertEquals(200, admin.put("/api/venues/AUD1", "{\"name\":\"Audited\"}").status());
        // a parameter that does not convert is the client's input: 400 naming it, not 404
        assertError(admin.get("/api/audit?limit=twenty"), 400, "limit");
        assertError(admin.get("/api/audit?limit=0"), 400, "limit");
        Reply audit = admin.get("/api/audit?limit=20");
        assertEquals(200, audit.status(), audit.toString());
        JsonObject update = audit.json().getJsonArray("events").getJsonObject(0);
        assertEquals("venue.update", update.getString("action"));
        assertEquals("AUD1", update.getString("target"));
        assertEquals("admin", update.getString("actor"));
        assertNotNull(update.getString("at"));
        assertTrue(audit.json().getJsonArray("events").stream().map(JsonValue::asJsonObject)
                .anyMatch(e -> e.getString("action").equals("venue.create") && e.getString("target").equals("AUD1")));
        Reply users = admin.get("/api/users");
        assertEquals(200, users.status());
        assertFalse(users.body().contains("password"), "no password or hash ever leaves the server");
    }

    @Test
    void theAuditLogIsFilteredByActorActionAndDaysPagedAndExported() {
        venue("AUF1");
        Reply operator = admin.post("/api/users", "{\"username\":\"auditop\",\"role\":\"operator\","
                + "\"password\":\"operator-pass-2024\"}");
        assertEquals(201, operator.status(), operator.toString());
        Reply viewer = admin.post("/api/users", "{\"username\":\"auditview\",\"role\":\"viewer\","
                + "\"password\":\"viewer-pass-20240\"}");
        assertEquals(201, viewer.status(), viewer.toString());
        Api op = Api.management("auditop", "operator-pass-2024");
        assertEquals(200, op.put("/api/venues/AUF1", "{\"name\":\"By the operator\"}").status());
        assertEquals(200, admin.put("/api/venues/AUF1", "{\"name\":\"By the admin\"}").status());
        // a name tried at the login is an attacker's text: it reaches the export neutralised
        assertEquals(401, Api.management("=1+2", "wrong-password-1").get("/api/venues").status());

        JsonObject byOperator = admin.get("/api/audit?actor=auditop").json();
        assertEquals(1, byOperator.getInt("total"), byOperator.toString());
        JsonObject only = byOperator.getJsonArray("events").getJsonObject(0);
        assertEquals("venue.update", only.getString("action"));
        assertEquals("AUF1", only.getString("target"));

        JsonObject venueActions = admin.get("/api/audit?action=venue&limit=1000").json();
        assertTrue(venueActions.getInt("total") >= 3, venueActions.toString());
        assertTrue(venueActions.getJsonArray("events").stream().map(e -> e.asJsonObject().getString("action"))
                .allMatch(a -> a.startsWith("venue.")), venueActions.toString());
        JsonObject adminUpdates = admin.get("/api/audit?actor=admin&action=venue.update&limit=1000").json();
        assertTrue(adminUpdates.getJsonArray("events").stream().map(JsonValue::asJsonObject).allMatch(e ->
                e.getString("actor").equals("admin") && e.getString("action").equals("venue.update")));
        assertTrue(adminUpdates.getInt("total") < venueActions.getInt("total"), "narrower than the feature");

        String today = java.time.LocalDate.now().toString();
        String tomorrow = java.time.LocalDate.now().plusDays(1).toString();
        assertEquals(0, admin.get("/api/audit?from=" + tomorrow).json().getInt("total"));
        assertEquals(0, admin.get("/api/audit?to=2020-01-01").json().getInt("total"));
        assertEquals(byOperator.getInt("total"),
                admin.get("/api/audit?actor=auditop&from=" + today + "&to=" + today).json().getInt("total"));
        assertEquals(1, admin.get("/api/audit?actor=auditop&from=" + only.getString("at") + "&to="
                + only.getString("at")).json().getInt("total"), "instants bound the range, both included");

        JsonObject first = admin.get("/api/audit?offset=0&limit=1").json();
        JsonObject second = admin.get("/api/audit?offset=1&limit=1").json();
        assertEquals(first.getInt("total"), second.getInt("total"));
        assertEquals(1, second.getInt("offset"));
        assertTrue(first.getJsonArray("events").getJsonObject(0).getInt("id")
                > second.getJsonArray("events").getJsonObject(0).getInt("id"), "newest first");

        assertError(admin.get("/api/audit?actor=two%20words"), 400, "actor");
        assertError(admin.get("/api/audit?action=DROP%20TABLE"), 400, "action");
        assertError(admin.get("/api/audit?action=venue.%25"), 400, "action");
        assertError(admin.get("/api/audit?from=2025-13-01"), 400, "from");
        assertError(admin.get("/api/audit?to=yesterday"), 400, "to");
        assertError(admin.get("/api/audit?from=" + tomorrow + "&to=" + today), 400, "to");
        assertError(admin.get("/api/audit?offset=-1"), 400, "offset");
        assertError(admin.get("/api/audit?offset=first"), 400, "offset");
        assertError(admin.get("/api/audit?limit=1001"), 400, "limit");
        assertError(admin.get("/api/audit.csv?from=soon"), 400, "from");
        assertError(Api.management("auditview", "viewer-pass-20240").get("/api/audit"), 403, null);
        assertError(Api.management("auditview", "viewer-pass-20240").get("/api/audit.csv"), 403, null);

        Reply csv = admin.get("/api/audit.csv?action=venue.update&actor=auditop");
        assertEquals(200, csv.status(), csv.toString());
        assertTrue(csv.raw().headers().firstValue("Content-Type").orElse("").startsWith("text/csv"), csv.toString());
        String[] lines = csv.body().split("\r\n");
        assertEquals("id,at,actor,action,target,details", lines[0]);
        assertEquals(2, lines.length, csv.body());
        assertTrue(lines[1].startsWith(only.getInt("id") + "," + only.getString("at") + ",auditop,venue.update,AUF1,"),
                lines[1]);
        String failed = admin.get("/api/audit.csv?action=login.failed").body();
        assertTrue(failed.contains(",login.failed,'=1+2,"), failed);
        assertFalse(failed.contains(",=1+2"), failed);
    }

    @Test
    void liveUpdatesReachLoggedInWatchersOnly() throws Exception {
        venue("LIV1");
        admin.post("/api/kart-numbers", "{\"venue_code\":\"LIV1\",\"numbers\":\"1\"}");
        LiveWatcher watcher = LiveWatcher.connect(Api.MANAGEMENT_PORT, "admin", Api.ADMIN_PASSWORD);
        try {
            assign("KXP2", "LIV1", "10000000eeee0001", null);
            JsonObject event = watcher.next(Duration.ofSeconds(10));
            assertEquals("hostname.assigned", event.getString("type"));
            assertEquals("KXP2-LIV1-001", event.getString("hostname"));
            assertEquals("10000000eeee0001", event.getString("serial_number"));
        } finally {
            watcher.close();
        }
        assertEquals(401, LiveWatcher.handshakeStatus(Api.MANAGEMENT_PORT, null, null));
        assertEquals(401, LiveWatcher.handshakeStatus(Api.MANAGEMENT_PORT, "admin", "wrong-password"));
        assertEquals(404, LiveWatcher.handshakeStatus(Api.DEPLOYMENT_PORT, "admin", Api.ADMIN_PASSWORD));
    }

    private void venue(String code) {
        Reply reply = admin.post("/api/venues", "{\"code\":\"" + code + "\",\"name\":\"Venue " + code + "\"}");
        assertEquals(201, reply.status(), reply.toString());
    }

    private JsonObject assign(String product, String venue, String serial, String mac) {
        String body = "{\"product_type\":\"" + product + "\",\"venue_code\":\"" + venue + "\""
                + (serial == null ? "" : ",\"serial_number\":\"" + serial + "\"")
                + (mac == null ? "" : ",\"mac_address\":\"" + mac + "\"") + "}";
        Reply reply = admin.post("/api/hostname/assign", body);
        assertEquals(200, reply.status(), reply.toString());
        return reply.json();
    }

    static void assertError(Reply reply, int status, String field) {
        assertEquals(status, reply.status(), reply.toString());
        JsonObject json = reply.json();
        assertNotNull(json.getString("error", null), reply.toString());
        assertNotNull(json.getString("message", null), reply.toString());
        assertFalse(reply.body().contains("Exception"), "no stack trace: " + reply.body());
        if (field != null) {
            assertEquals(field, json.getString("field", null), reply.toString());
        }
    }
}
