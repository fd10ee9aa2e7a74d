package io.rpideploy.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A WebSocket client of {@code /live} (the JDK's own client, not ours), collecting the JSON messages it receives. */
final class LiveWatcher implements WebSocket.Listener {

    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    static LiveWatcher connect(int port, String user, String password) throws Exception {
        LiveWatcher watcher = new LiveWatcher();
        watcher.socket = builder(user, password)
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/live"), watcher).get(20, TimeUnit.SECONDS);
        // the server subscribes the socket after the handshake: events before its word would be missed
        String type = watcher.next(Duration.ofSeconds(20)).getString("type");
        if (!"live.joined".equals(type)) {
            throw new AssertionError("first live message is " + type + ", not live.joined");
        }
        return watcher;
    }

    /** The HTTP status that refused the upgrade, or 101 when it was accepted. */
    static int handshakeStatus(int port, String user, String password) throws Exception {
        try {
            WebSocket socket = builder(user, password).buildAsync(URI.create("ws://127.0.0.1:" + port + "/live"),
                    new LiveWatcher()).get(20, TimeUnit.SECONDS);
            socket.abort();
            return 101;
        } catch (ExecutionException | CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    private static WebSocket.Builder builder(String user, String password) {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10));
        if (user != null) {
            builder.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return builder;
    }

    JsonObject next(Duration wait) throws InterruptedException {
        String text = messages.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (text == null) {
            throw new AssertionError("no live message within " + wait);
        }
        return parse(text);
    }

    private static JsonObject parse(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    /** The first message from now on that {@code wanted} accepts (others are skipped), within {@code wait}. */
    JsonObject until(Duration wait, Predicate<JsonObject> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        List<String> skipped = new ArrayList<>();
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            String text = messages.poll(left, TimeUnit.NANOSECONDS);
            if (text == null) {
                break;
            }
            JsonObject message = parse(text);
            if (wanted.test(message)) {
                return message;
            }
            skipped.add(text);
        }
        throw new AssertionError("no wanted live message within " + wait + "; received " + skipped);
    }

    void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            messages.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }
}
