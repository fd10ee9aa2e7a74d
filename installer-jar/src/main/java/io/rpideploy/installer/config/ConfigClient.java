package io.rpideploy.installer.config;

import io.rpideploy.installer.download.Decoders;
import io.rpideploy.installer.http.HttpJson;
import io.rpideploy.installer.http.Json;
import io.rpideploy.installer.http.ServerHealth;
import io.rpideploy.installer.report.ExitCode;
import io.rpideploy.installer.report.InstallException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code POST {server}/api/config}. While the server cannot be reached (connection errors, 5xx) it retries with
 * exponential backoff (1 s doubling to 30 s) for at most {@code maxWaitMillis}; a 4xx answer is final.
 */
public final class ConfigClient {

    private final String server;
    private final long maxWaitMillis;
    private final Consumer<String> log;

    public ConfigClient(String server, long maxWaitMillis, Consumer<String> log) {
        this.server = server;
        this.maxWaitMillis = maxWaitMillis;
        this.log = log;
    }

    public DeploymentConfig fetch(String product, String venue, BoardIdentity board) throws InstallException {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("product_type", product);
        request.put("venue_code", venue);
        request.put("serial_number", board.serial());
        request.put("mac_address", board.mac());
        String body = Json.write(request);
        long deadline = System.currentTimeMillis() + maxWaitMillis;
        long backoff = 1000;
        String last;
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                // says it decompresses: a compressed image's size and checksum are then those of the file as stored
                HttpJson.Answer answer = HttpJson.post(server + "/api/config", body, 10_000,
                        Map.of(Decoders.DECOMPRESSES_HEADER, Decoders.DECOMPRESSES));
                if (answer.status() == 200) {
                    try {
                        return DeploymentConfig.of(Json.parseObject(answer.body()));
                    } catch (IllegalArgumentException e) {
                        throw new InstallException(ExitCode.CONFIG_REFUSED,
                                "invalid configuration from server: " + e.getMessage());
                    }
                }
                // a 404 from the application is an {error, message} answer; anything else while /health is not up
                // is a server still starting (its listener answers before the application is deployed)
                boolean starting = answer.status() == 404 && !isApiError(answer.body())
                        && ServerHealth.starting(server, 5_000);
                if (answer.status() >= 400 && answer.status() < 500 && !starting) {
                    throw new InstallException(ExitCode.CONFIG_REFUSED, "server refused configuration (HTTP "
                            + answer.status() + "): " + errorText(answer.body()));
                }
                last = "HTTP " + answer.status() + " " + errorText(answer.body());
            } catch (IOException e) {
                last = e.toString();
            }
            long now = System.currentTimeMillis();
            if (now + backoff > deadline) {
                throw new InstallException(ExitCode.SERVER_UNREACHABLE, "deployment server " + server
                        + " unreachable after " + attempt + " attempts: " + last);
            }
            log.accept("config attempt " + attempt + " failed (" + last + "), retrying in " + backoff / 1000 + " s");
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InstallException(ExitCode.SERVER_UNREACHABLE, "interrupted while waiting for the server");
            }
            backoff = Math.min(backoff * 2, 30_000);
        }
    }

    static boolean isApiError(String body) {
        try {
            return Json.parseObject(body).containsKey("error");
        } catch (IllegalArgumentException notJson) {
            return false;
        }
    }

    /** The {@code message} (and field) of an {@code {error, message, field?}} body, else the raw text. */
    static String errorText(String body) {
        try {
            Map<String, Object> json = Json.parseObject(body);
            Object message = json.getOrDefault("message", json.get("error"));
            Object field = json.get("field");
            return message + (field != null ? " (field " + field + ")" : "");
        } catch (IllegalArgumentException e) {
            return body.length() > 200 ? body.substring(0, 200) : body;
        }
    }
}
