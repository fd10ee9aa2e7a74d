package io.rpideploy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.it.Api.Reply;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * /metrics, /openapi, the version in /health and the access log, against the real war with domain-config's boot
 * files: management listener only, behind its login; counters that move with traffic; no secret in the log.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ObservabilityIT {

    @Deployment(testable = false)
    static WebArchive war() {
        return ItServer.war();
    }

    private final Api admin = Api.admin();

    private static double sample(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        assertTrue(m.find(), series + " not in:\n" + metrics);
        return Double.parseDouble(m.group(1));
    }

    private String metrics() {
        Reply reply = admin.get("/metrics");
        assertEquals(200, reply.status(), reply.toString());
        assertTrue(reply.raw().headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
                reply.raw().headers().toString());
        return reply.body();
    }

    @Test
    void healthCarriesTheBuiltVersion() {
        JsonObject health = Api.deployment().get("/health").json();
        assertTrue(health.getString("version").matches("\\d+\\.\\d+\\.\\d+.*"), health.toString());
        assertFalse(health.getString("commit").isBlank(), health.toString());
    }

    @Test
    void metricsAndOpenApiNeedTheManagementLoginAndAreNotOnTheDeploymentListener() {
        for (String path : List.of("/metrics", "/openapi")) {
            Reply anonymous = Api.anonymousManagement().get(path);
            assertEquals(401, anonymous.status(), path + ": " + anonymous);
            assertEquals("unauthorized", anonymous.json().getString("error"));
            assertEquals(401, Api.management("admin", "wrong-password").get(path).status(), path);
            assertEquals(404, Api.deployment().get(path).status(), path);
            assertEquals(404, Api.deployment().send(Api.deployment().request(path)
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            ("admin:" + Api.ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8))).GET()).status(),
                    path + " with a login on the deployment listener");
        }
    }

    @Test
    void countersMoveWithRequestsAndDownloads() {
        String before = metrics();
        assertEquals(0, sample(before, "rpideploy_dhcp_messages_total{type=\"offer\"}"));
        double deploymentRequests = sample(before,
                "rpideploy_http_request_duration_seconds_count{listener=\"deployment\"}");
        double bytes = sample(before, "rpideploy_download_bytes_total");
        for (int i = 0; i < 3; i++) {
            assertEquals(200, Api.deployment().get("/health").status());
        }
        byte[] image = ItImages.disk(300 * 1024, 31);
        String filename = ItImages.uploadActive(admin, "KXP2", "obs-1", "obs.img", image).getString("filename");
        HttpResponse<byte[]> download;
        try {
            download = Api.client().send(Api.deployment().request("/images/" + filename).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
        assertEquals(200, download.statusCode());
        assertEquals(image.length, download.body().length);

        Instant until = Instant.now().plusSeconds(10); // a sendfile transfer is counted when it completes
        String after = metrics();
        while (sample(after, "rpideploy_download_bytes_total") < bytes + image.length && Instant.now().isBefore(until)) {
            after = metrics();
        }
        assertTrue(sample(after, "rpideploy_http_request_duration_seconds_count{listener=\"deployment\"}")
                >= deploymentRequests + 4, after);
        assertEquals(bytes + image.length, sample(after, "rpideploy_download_bytes_total"), after);
        assertTrue(sample(after, "rpideploy_deployments{state=\"success\"}") >= 0, after);
        assertTrue(sample(after, "jvm_memory_used_bytes{area=\"heap\"}") > 0, after);
        assertTrue(after.contains("rpideploy_tftp_transfers_total{outcome=\"failed\"}"), after);
        assertTrue(after.contains("rpideploy_downloads_streaming "), after);
    }

    @Test
    void openApiDescribesBothApis() {
        Reply reply = admin.get("/openapi");
        assertEquals(200, reply.status(), reply.toString());
        JsonObject doc = reply.json();
        assertTrue(doc.getString("openapi").startsWith("3."), reply.body());
        JsonObject paths = doc.getJsonObject("paths");
        JsonObject status = paths.getJsonObject("/api/status").getJsonObject("post");
        assertEquals("deployment", status.getJsonArray("tags").getString(0));
        assertTrue(status.getJsonArray("security").isEmpty());
        JsonObject venues = paths.getJsonObject("/api/venues").getJsonObject("post");
        assertEquals("management", venues.getJsonArray("tags").getString(0));
        assertEquals("operator", venues.getJsonArray("x-rpideploy-roles").getString(0));
        assertTrue(paths.containsKey("/api/venues/{code}"), paths.keySet().toString());
    }

    @Test
    void theAccessLogHasTheRequestAndNoCredential() throws IOException, InterruptedException {
        String marker = "/metrics?access-log-probe=" + System.nanoTime();
        assertEquals(200, admin.get(marker).status());
        Path dir = Path.of(System.getenv("RPIDEPLOY_HOME"), "logs", "access");
        Instant until = Instant.now().plusSeconds(30); // Payara writes the log out every 5 s
        String log = "";
        while (!log.contains(marker) && Instant.now().isBefore(until)) {
            Thread.sleep(500);
            log = read(dir);
        }
        assertTrue(log.contains(marker), "no access log line for " + marker + " in " + dir + ":\n" + log);
        String line = log.lines().filter(l -> l.contains(marker)).findFirst().orElseThrow();
        assertTrue(line.contains("\"admin\""), line);
        assertTrue(line.contains(" 200 "), line);
        String credentials = Base64.getEncoder().encodeToString(("admin:" + Api.ADMIN_PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        assertFalse(log.contains(credentials), "the Authorization value is in the access log");
        assertFalse(log.contains(Api.ADMIN_PASSWORD), "the password is in the access log");
        assertFalse(log.contains("Basic "), "an Authorization header is in the access log");
    }

    private static String read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                text.append(Files.readString(file, StandardCharsets.ISO_8859_1));
            }
        }
        return text.toString();
    }
}
