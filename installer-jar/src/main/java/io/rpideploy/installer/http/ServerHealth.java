package io.rpideploy.installer.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;

/**
 * Whether the deployment server's application is up: its {@code /health} answers 200. A server that is starting (or
 * restarting after a crash) accepts connections before the application is deployed and answers 404 to every path
 * meanwhile; a 404 then means "not yet", not "no such thing".
 */
public final class ServerHealth {

    private ServerHealth() {
    }

    /** {@code true} when {@code <scheme://host:port of url>/health} answers 200 within the timeout. */
    public static boolean up(String anyUrlOfTheServer, int timeoutMillis) {
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
                return status == 200;
            } finally {
                c.disconnect();
            }
        } catch (IOException | IllegalArgumentException | java.net.URISyntaxException e) {
            return false;
        }
    }
}
