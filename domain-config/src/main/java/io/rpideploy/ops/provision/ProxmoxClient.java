package io.rpideploy.ops.provision;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * A small client of the Proxmox VE REST API ({@code /api2/json}): requests carry the API token header, parameters
 * go as {@code application/x-www-form-urlencoded} in the order given, answers are the {@code data} member of the
 * JSON envelope, and failures become {@link ProxmoxException}s with Proxmox's own error text.
 */
public final class ProxmoxClient {

    private final URI api;
    private final String authorization;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final Duration pollInterval;

    public ProxmoxClient(URI base, String tokenId, String secret, SSLContext tls, Duration pollInterval) {
        this.api = URI.create(base.toString().replaceAll("/+$", "") + "/api2/json");
        // the documented token header: PVEAPIToken=USER@REALM!TOKENID=SECRET (no CSRF token needed with it)
        this.authorization = "PVEAPIToken=" + tokenId + "=" + secret;
        this.http = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.requestTimeout = Duration.ofSeconds(120);
        this.pollInterval = pollInterval;
    }

    /** Form or query parameters in the order they are added; a key may repeat (Proxmox's array parameters). */
    public static final class Params {
        private final List<Map.Entry<String, String>> entries = new ArrayList<>();

        public Params add(String key, Object value) {
            entries.add(Map.entry(key, String.valueOf(value)));
            return this;
        }

        String encoded() {
            return entries.stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                    .collect(Collectors.joining("&"));
        }
    }

    public static Params params() {
        return new Params();
    }

    public JsonValue get(String path, Params query) throws IOException {
        String q = query.encoded();
        return send("GET", path + (q.isEmpty() ? "" : "?" + q), null);
    }

    public JsonValue post(String path, Params form) throws IOException {
        return send("POST", path, form);
    }

    public JsonValue put(String path, Params form) throws IOException {
        return send("PUT", path, form);
    }

    /** A path segment, e.g. a UPID, which holds ':' and '!'. */
    public static String segment(String value) {
        return encode(value);
    }

    private JsonValue send(String method, String path, Params form) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path)).timeout(requestTimeout)
                .header("Authorization", authorization).header("Accept", "application/json");
        if (form == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/x-www-form-urlencoded")
                    .method(method, HttpRequest.BodyPublishers.ofString(form.encoded()));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (SSLException e) {
            throw new ProxmoxException(method, path, 0, "TLS: " + rootMessage(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (IOException e) {
            throw new ProxmoxException(method, path, 0, "no answer from " + api.getHost() + ":" + api.getPort()
                    + ": " + rootMessage(e));
        }
        JsonObject body = parse(response.body());
        int status = response.statusCode();
        if (status / 100 != 2) {
            throw new ProxmoxException(method, path, status, describe(status, body));
        }
        if (body == null) {
            throw new ProxmoxException(method, path, status, "the answer is not Proxmox's JSON envelope");
        }
        return body.getOrDefault("data", JsonValue.NULL);
    }

    /** Waits for a task (the UPID an asynchronous call returned) to stop; its exit status must be "OK". */
    public void waitTask(String upid, Duration timeout) throws IOException {
        String node = Upid.node(upid);
        String path = "/nodes/" + segment(node) + "/tasks/" + segment(upid) + "/status";
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonObject status = get(path, params()).asJsonObject();
            if ("stopped".equals(status.getString("status", ""))) {
                String exit = status.getString("exitstatus", "");
                if (!"OK".equals(exit)) {
                    throw new ProxmoxException("task", Upid.type(upid) + " " + upid, 0,
                            "ended with exit status '" + exit + "' (the task log on the node says why:"
                                    + " GET /nodes/" + node + "/tasks/{upid}/log)");
                }
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new ProxmoxException("task", Upid.type(upid) + " " + upid, 0,
                        "still running after " + timeout.toSeconds() + " s (raise proxmox.task_timeout_seconds;"
                                + " the task goes on in Proxmox)");
            }
            pause();
        }
    }

    /** The answer of an asynchronous call: waits when it is a UPID (some calls answer null in older releases). */
    public void waitIfTask(JsonValue answer, Duration timeout) throws IOException {
        if (answer.getValueType() == JsonValue.ValueType.STRING && Upid.is(Upid.text(answer))) {
            waitTask(Upid.text(answer), timeout);
        }
    }

    void pause() throws IOException {
        try {
            Thread.sleep(pollInterval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static JsonObject parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonValue value = Json.createReader(new StringReader(body)).readValue();
            return value.getValueType() == JsonValue.ValueType.OBJECT ? value.asJsonObject() : null;
        } catch (JsonException e) {
            return null;
        }
    }

    /** Proxmox answers errors as {"errors":{param: text},"data":null} and/or {"message": text}. */
    private static String describe(int status, JsonObject body) {
        List<String> parts = new ArrayList<>();
        if (body != null) {
            if (body.get("message") instanceof jakarta.json.JsonString m) {
                parts.add(m.getString().strip());
            }
            if (body.get("errors") instanceof JsonObject errors) {
                errors.forEach((k, v) -> parts.add(k + ": " + (v instanceof jakarta.json.JsonString s
                        ? s.getString().strip() : v.toString())));
            }
        }
        String hint = switch (status) {
            case 401 -> "authentication failed: check proxmox.token_id and the token's secret";
            case 403 -> "permission denied: the token (or its user, with privilege separation) lacks a privilege"
                    + " on this path; see docs/proxmox.md for the role";
            case 501 -> "not implemented by this Proxmox VE release";
            default -> null;
        };
        if (hint != null) {
            parts.add(0, hint);
        }
        return parts.isEmpty() ? "no error text in the answer" : String.join("; ", parts);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    private static String encode(String s) {
        // %20 rather than '+': both are valid form encoding, %20 is unambiguous in paths and queries too
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Proxmox's task id: UPID:node:pid:pstart:starttime:type:id:user: (a node's tasks are asked at that node). */
    static final class Upid {
        private Upid() {
        }

        static boolean is(String s) {
            return s.startsWith("UPID:") && s.split(":").length >= 8;
        }

        static String text(JsonValue v) {
            return ((jakarta.json.JsonString) v).getString();
        }

        static String node(String upid) {
            if (!is(upid)) {
                throw new IllegalArgumentException("not a Proxmox task id (UPID): " + upid);
            }
            return upid.split(":")[1];
        }

        static String type(String upid) {
            return upid.split(":")[5];
        }
    }
}
