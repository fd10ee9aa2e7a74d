package io.rpideploy.installer.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;

/**
 * Whether the deployment server is still starting. A server that is starting (or restarting after a crash) accepts
 * connections before the application is deployed and answers 404 to every path, {@code /health} included,
 * meanwhile; a 404 then means "not yet", not "no such thing". Once the application answers {@code /health} (200, or
 * 503 when it is degraded) its 404s are real.
 */
public final class ServerHealth {

    private ServerHealth() {
    }

    /**
     * {@code true} when the server is (re)starting: its {@code /health} answers 404 (the listener is there, the
     * application not yet) or does not answer at all. A 200 or 503 comes from the application: a 404 it gave is real.
     */
    public static boolean starting(String anyUrlOfTheServer, int timeoutMillis) {
        int status = status(anyUrlOfTheServer, timeoutMillis);
        return status == 404 || status < 0;
    }

    private static int status(String anyUrlOfTheServer, int timeoutMillis) {
        try {
            URI uri = URI.create(anyUrlOfTheServer);
            URI health = new URI(uri.getScheme(), uri.getRawAuthority(), "/health", null, null);
            HttpURLConnection c = (HttpURLConnection) health.toURL().openConnection();
            c.setConnectTimeout(timeoutMillis);
            c.setReadTimeout(timeoutMillis);
            c.setUseCaches(false);
            try {
                int status = c.getResponseCode();
                try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                    if (in != null) {
                        in.readAllBytes();
                    }
                }
                return status;
            } finally {
                c.disconnect();
            }
        } catch (IOException | IllegalArgumentException | java.net.URISyntaxException e) {
            return -1;
        }
    }
}
