package io.rpideploy.it;

import static io.rpideploy.it.ManagementApiIT.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.it.Api.Reply;
import jakarta.json.JsonObject;
import java.net.http.HttpRequest;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The pools' API as the Pools page uses it: search by hostname or serial, notes with optimistic locking, the CSV
 * export (formula cells neutralised), and the kart-number CSV import of one column of a wider sheet.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PoolsApiIT {

    private static final String VENUE = "POOL";
    private static final Api ADMIN = Api.admin();

    @Deployment(testable = false)
    static WebArchive war() {
        return ItServer.war();
    }

    @BeforeAll
    static void venueWithBoards() {
        Reply venue = Api.admin().post("/api/venues", "{\"code\":\"" + VENUE + "\",\"name\":\"Pool Circuit\"}");
        assertTrue(venue.status() == 201 || venue.status() == 409, venue.toString());
        Api.admin().post("/api/kart-numbers", "{\"venue_code\":\"" + VENUE + "\",\"numbers\":\"1-12\"}");
        for (String serial : List.of("10000000b00f0001", "10000000b00f0002")) {
            Reply assigned = Api.admin().post("/api/hostname/assign", "{\"product_type\":\"KXP2\",\"venue_code\":\""
                    + VENUE + "\",\"serial_number\":\"" + serial + "\"}");
            assertEquals(200, assigned.status(), assigned.toString());
        }
    }

    @Test
    void slotsAreSearchedByPartOfTheHostnameOrOfTheBoardSerial() {
        JsonObject byName = ADMIN.get("/api/venues/" + VENUE + "/slots?q=-011").json();
        assertEquals(1, byName.getInt("total"), byName.toString());
        assertEquals("KXP2-POOL-011", byName.getJsonArray("slots").getJsonObject(0).getString("hostname"));

        JsonObject bySerial = ADMIN.get("/api/venues/" + VENUE + "/slots?q=B00F0002").json();
        assertEquals(1, bySerial.getInt("total"), bySerial.toString());
        assertEquals("KXP2-POOL-002", bySerial.getJsonArray("slots").getJsonObject(0).getString("hostname"));

        assertEquals(1, ADMIN.get("/api/venues/" + VENUE + "/slots?q=b00f0002&status=assigned").json().getInt("total"));
        assertEquals(0, ADMIN.get("/api/venues/" + VENUE + "/slots?q=b00f0002&status=available").json().getInt("total"));
        assertEquals(0, ADMIN.get("/api/venues/" + VENUE + "/slots?q=nothing-like-this").json().getInt("total"));
        assertError(ADMIN.get("/api/venues/" + VENUE + "/slots?q=" + "1".repeat(65)), 400, "q");
    }

    @Test
    void notesAreSavedAgainstTheirEntityTagAndAStaleSaveIsRefused() {
        Reply got = ADMIN.get("/api/hostnames/KXP2-POOL-005");
        assertEquals(200, got.status(), got.toString());
        String etag = got.raw().headers().firstValue("ETag").orElseThrow();

        Reply saved = notes("KXP2-POOL-005", etag, "{\"notes\":\" sticker replaced \"}");
        assertEquals(200, saved.status(), saved.toString());
        assertEquals("sticker replaced", saved.json().getString("notes"));
        String newer = saved.raw().headers().firstValue("ETag").orElseThrow();
        assertNotEquals(etag, newer);

        Reply stale = notes("KXP2-POOL-005", etag, "{\"notes\":\"kart in repair\"}");
        assertError(stale, 412, null);
        assertTrue(stale.json().getString("message").contains("changed by admin"), stale.toString());
        assertEquals("sticker replaced", ADMIN.get("/api/hostnames/KXP2-POOL-005").json().getString("notes"),
                "the stale save changed nothing");

        // a board taking the name changes the slot too: a note typed before is refused, not applied over it
        String beforeAssign = ADMIN.get("/api/hostnames/KXP2-POOL-003").raw().headers().firstValue("ETag")
                .orElseThrow();
        assertEquals(200, ADMIN.post("/api/hostname/assign", "{\"product_type\":\"KXP2\",\"venue_code\":\"" + VENUE
                + "\",\"serial_number\":\"10000000b00f0003\"}").status());
        assertError(notes("KXP2-POOL-003", beforeAssign, "{\"notes\":\"x\"}"), 412, null);

        assertError(notes("KXP2-POOL-005", newer, "{\"notes\":\"kart \\u202e710\"}"), 400, "notes");
        assertError(notes("KXP2-POOL-005", newer, "{\"notes\":\"bell \\u0007\"}"), 400, "notes");
        assertError(notes("KXP2-POOL-005", newer, "{\"notes\":\"" + "x".repeat(501) + "\"}"), 400, "notes");
        assertError(notes("KXP2-POOL-404", null, "{\"notes\":\"x\"}"), 404, null);

        Reply cleared = notes("KXP2-POOL-005", newer, "{\"notes\":\"\"}");
        assertEquals(200, cleared.status(), cleared.toString());
        assertTrue(cleared.json().isNull("notes"), cleared.toString());
        assertEquals(401, Api.anonymousManagement().get("/api/hostnames/KXP2-POOL-005").status());
    }

    @Test
    void theExportHoldsTheFilteredSlotsWithFormulaCellsNeutralised() {
        String etag = ADMIN.get("/api/hostnames/KXP2-POOL-007").raw().headers().firstValue("ETag").orElseThrow();
        assertEquals(200, notes("KXP2-POOL-007", etag, "{\"notes\":\"=HYPERLINK(\\\"http://evil\\\")\"}").status());

        Reply csv = ADMIN.get("/api/hostnames.csv?venue_code=" + VENUE + "&product_type=KXP2");
        assertEquals(200, csv.status(), csv.toString());
        assertTrue(csv.raw().headers().firstValue("Content-Type").orElse("").startsWith("text/csv"), csv.toString());
        assertTrue(csv.raw().headers().firstValue("Content-Disposition").orElse("").contains("hostnames-POOL.csv"));
        String[] lines = csv.body().split("\r\n");
        assertEquals("hostname,venue,product,identifier,status,serial,mac,assigned_at,pinned_serial,"
                + "replaced_serial,notes", lines[0]);
        assertEquals(13, lines.length, "the header and 12 kart numbers:\n" + csv.body());
        assertTrue(lines[1].startsWith("KXP2-POOL-001,POOL,KXP2,001,assigned,10000000b00f0001,"), lines[1]);
        assertTrue(csv.body().contains("\"'=HYPERLINK(\"\"http://evil\"\")\""), "formula neutralised:\n" + csv.body());

        String found = ADMIN.get("/api/hostnames.csv?venue_code=" + VENUE + "&status=assigned&q=B00F0001").body();
        assertEquals(2, found.split("\r\n").length, found);
        assertTrue(found.contains("KXP2-POOL-001,"), found);

        assertError(ADMIN.get("/api/hostnames.csv?venue_code=NOPE"), 404, null);
        assertError(ADMIN.get("/api/hostnames.csv?product_type=XYZ"), 400, "product_type");
        assertError(ADMIN.get("/api/hostnames.csv?status=lost"), 400, "status");
        assertEquals(401, Api.anonymousManagement().get("/api/hostnames.csv").status());
    }

    @Test
    void oneColumnOfAWiderSheetIsImportedAndAColumnItLacksIsA400() {
        Reply venue = ADMIN.post("/api/venues", "{\"code\":\"COLS\",\"name\":\"Columns\"}");
        assertEquals(201, venue.status(), venue.toString());
        String sheet = "Kart;Transponder;Weight\n21;4711023;155\n22;4711024;160\n";

        assertError(ADMIN.post("/api/venues/COLS/kart-numbers?column=4", "text/csv", sheet), 400, "column");
        assertError(ADMIN.post("/api/venues/COLS/kart-numbers?column=two", "text/csv", sheet), 400, "column");
        assertError(ADMIN.post("/api/venues/COLS/kart-numbers?column=1&header=maybe", "text/csv", sheet), 400,
                "header");

        Reply imported = ADMIN.post("/api/venues/COLS/kart-numbers?column=1", "text/csv", sheet);
        assertEquals(200, imported.status(), imported.toString());
        assertEquals(2, imported.json().getInt("added"), imported.toString());
        assertEquals("Added 2 kart numbers", imported.json().getString("message"));
        JsonObject stats = ADMIN.get("/api/venues/COLS/stats").json();
        assertEquals(2, stats.getInt("available"), "neither weights nor transponders became kart numbers: " + stats);

        Reply one = ADMIN.post("/api/venues/COLS/kart-numbers?column=1&header=false", "text/csv", "23\n");
        assertEquals("Added 1 kart number", one.json().getString("message"), one.toString());

        // nothing usable is a failure, not a success with 0 added
        assertError(ADMIN.post("/api/venues/COLS/kart-numbers", "text/csv", "1-5000\n"), 400, "numbers");
        assertError(ADMIN.post("/api/kart-numbers", "{\"venue_code\":\"COLS\",\"numbers\":\"1-5000\"}"), 400,
                "numbers");
    }

    private static Reply notes(String hostname, String ifMatch, String json) {
        HttpRequest.Builder request = ADMIN.request("/api/hostnames/" + hostname + "/notes")
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json));
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        return ADMIN.send(request);
    }
}
