package io.rpideploy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.it.Api.Reply;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 500 boards ask for a hostname at the same moment. Every request is in flight before the first answer arrives
 * (500 connections), so the server's queueing, not the client's, decides who gets which number.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HostnameConcurrencyIT {

    private static final int BOARDS = 500;

    @Deployment(testable = false)
    static WebArchive war() {
        return ItServer.war();
    }

    private final Api admin = Api.admin();

    @Test
    void fiveHundredBoardsOnAPoolOfFiveHundredGetFiveHundredDistinctNames() throws Exception {
        pool("CON5", "1-500");
        List<Reply> replies = assignAtOnce("CON5", "5");
        Map<Integer, Integer> statuses = count(replies);
        assertEquals(Map.of(200, BOARDS), statuses, "statuses: " + statuses + " first: " + firstOther(replies, 200));
        Set<String> names = new HashSet<>();
        for (Reply reply : replies) {
            names.add(reply.json().getString("hostname"));
        }
        assertEquals(BOARDS, names.size(), "every board has its own hostname");
        assertEquals(0, admin.get("/api/venues/CON5/stats").json().getInt("available"));
        assertEquals(BOARDS, admin.get("/api/venues/CON5/stats").json().getInt("assigned"));
    }

    @Test
    void fiveHundredBoardsOnAPoolOfOneHundredGetOneHundredNamesAndFourHundredClearConflicts() throws Exception {
        pool("CON1", "1-100");
        List<Reply> replies = assignAtOnce("CON1", "1");
        Map<Integer, Integer> statuses = count(replies);
        assertEquals(Map.of(200, 100, 409, 400), statuses, "statuses: " + statuses);
        Set<String> names = new HashSet<>();
        for (Reply reply : replies) {
            if (reply.status() == 200) {
                names.add(reply.json().getString("hostname"));
            } else {
                assertEquals("conflict", reply.json().getString("error"));
                assertTrue(reply.json().getString("message").startsWith("No kart numbers available for venue CON1"),
                        reply.toString());
            }
        }
        assertEquals(100, names.size());
        assertEquals(100, admin.get("/api/venues/CON1/stats").json().getInt("assigned"));
    }

    private void pool(String venue, String numbers) {
        assertEquals(201, admin.post("/api/venues", "{\"code\":\"" + venue + "\",\"name\":\"Load\"}").status());
        Reply imported = admin.post("/api/kart-numbers",
                "{\"venue_code\":\"" + venue + "\",\"numbers\":\"" + numbers + "\"}");
        assertEquals(200, imported.status(), imported.toString());
    }

    private List<Reply> assignAtOnce(String venue, String serialPrefix) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>(BOARDS);
        for (int board = 0; board < BOARDS; board++) {
            String serial = String.format("%s%015d", serialPrefix, board);
            HttpRequest request = admin.request("/api/hostname/assign")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"product_type\":\"KXP2\",\"venue_code\":\"" + venue
                            + "\",\"serial_number\":\"" + serial + "\"}"))
                    .build();
            pending.add(Api.client().sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(180, TimeUnit.SECONDS);
        List<Reply> replies = new ArrayList<>(BOARDS);
        for (CompletableFuture<HttpResponse<String>> future : pending) {
            HttpResponse<String> response = future.get();
            replies.add(new Reply(response.statusCode(), response.body(), response));
        }
        return replies;
    }

    private static Map<Integer, Integer> count(List<Reply> replies) {
        Map<Integer, Integer> statuses = new TreeMap<>();
        replies.forEach(r -> statuses.merge(r.status(), 1, Integer::sum));
        return statuses;
    }

    private static String firstOther(List<Reply> replies, int status) {
        return replies.stream().filter(r -> r.status() != status).map(Reply::toString).findFirst().orElse("none");
    }
}
