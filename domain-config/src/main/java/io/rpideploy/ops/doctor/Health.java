package io.rpideploy.ops.doctor;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One listener's {@code GET /health}: the HTTP status and the body, or why there was no answer. The server answers
 * 200 (UP) or 503 (DOWN) with {@code {status, timestamp, checks}}; the netboot and boot environment checks read
 * their part of it.
 */
public record Health(String listener, String url, int status, JsonObject body, String error) {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();

    public static Health fetch(String listener, InetAddress address, int port, Duration timeout) {
        String url = "http://" + host(connectable(address)) + ":" + port + "/health";
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            return new Health(listener, url, response.statusCode(), parse(response.body()), null);
        } catch (IOException e) {
            String why = e instanceof java.net.ConnectException ? "connection refused"
                    : e instanceof java.net.http.HttpTimeoutException ? "no answer within " + timeout.toSeconds() + " s"
                    : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            return new Health(listener, url, 0, null, why);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Health(listener, url, 0, null, "interrupted");
        }
    }

    /** A wildcard listener is reached over loopback. */
    static InetAddress connectable(InetAddress configured) {
        return configured.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : configured;
    }

    private static String host(InetAddress address) {
        String text = address.getHostAddress();
        return text.contains(":") ? "[" + text + "]" : text;
    }

    static JsonObject parse(String body) {
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        } catch (JsonException | IllegalStateException e) {
            return null;
        }
    }

    public boolean answered() {
        return status > 0;
    }

    /**
     * Not up yet, as after an install or restart: no answer, 503, or an error without the health body (Payara's
     * listener accepts connections while the application is still being deployed and answers 404, then 500, with
     * its own page; seen under systemd, where the package's postinst runs the doctor right after the start).
     */
    public boolean starting() {
        return !answered() || status == 503 || status != 200 && body == null;
    }

    /** One entry of {@code checks} (e.g. {@code netboot}), if the server sent it. */
    public Optional<JsonObject> check(String name) {
        if (body == null || !(body.get("checks") instanceof JsonObject checks)
                || !(checks.get(name) instanceof JsonObject entry)) {
            return Optional.empty();
        }
        return Optional.of(entry);
    }

    /** "server (management listener)": UP with 200, FAIL with what the server says is down, FAIL without answer. */
    public Finding finding() {
        String check = "server (" + listener + ")";
        if (!answered()) {
            return Finding.fail(check, "no answer from " + url + ": " + error,
                    "is the service running? systemctl status rpi-deploy; journalctl -u rpi-deploy -e");
        }
        if (status == 200) {
            return Finding.ok(check, "UP at " + url);
        }
        List<String> down = new ArrayList<>();
        if (body != null && body.get("checks") instanceof JsonObject checks) {
            for (Map.Entry<String, JsonValue> e : checks.entrySet()) {
                if (e.getValue() instanceof JsonObject entry && "down".equals(entry.getString("status", ""))) {
                    down.add(e.getKey() + (entry.containsKey("message") ? " (" + entry.getString("message", "")
                            + ")" : ""));
                }
            }
        }
        return Finding.fail(check, "HTTP " + status + " from " + url
                        + (down.isEmpty() ? "" : ": down: " + String.join(", ", down)),
                "the checks below and the log say why: journalctl -u rpi-deploy -e");
    }
}
