package io.rpideploy.installer.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** One JSON POST with timeouts; the answer's status and body (error bodies included). */
public final class HttpJson {

    private HttpJson() {
    }

    /** The status code and body of an answer. */
    public record Answer(int status, String body) {
    }

    public static Answer post(String url, String json, int timeoutMillis) throws IOException {
        return post(url, json, timeoutMillis, Map.of());
    }

    /** The same with extra request headers. */
    public static Answer post(String url, String json, int timeoutMillis, Map<String, String> headers)
            throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        try {
            headers.forEach(c::setRequestProperty);
            c.setConnectTimeout(timeoutMillis);
            c.setReadTimeout(timeoutMillis);
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "application/json");
            c.setRequestProperty("Accept", "application/json");
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            c.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
            int status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            String text = "";
            if (in != null) {
                try (in) {
                    text = new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8);
                }
            }
            return new Answer(status, text);
        } finally {
            c.disconnect();
        }
    }
}
