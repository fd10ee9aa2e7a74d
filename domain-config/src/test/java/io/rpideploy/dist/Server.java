package io.rpideploy.dist;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * The distribution as a user runs it: {@code bin/rpideploy} with RPIDEPLOY_* settings, on loopback ports of its
 * own. The script execs java, so the process started here is the server itself and a kill reaches it directly.
 */
public final class Server implements AutoCloseable {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    final int managementPort;
    final String adminPassword;

    private Server(Process process, int managementPort, String adminPassword) {
        this.process = process;
        this.managementPort = managementPort;
        this.adminPassword = adminPassword;
    }

    static Server start(Path home, int managementPort, int deploymentPort, String adminPassword, Path log)
            throws IOException {
        return start(home, managementPort, deploymentPort, adminPassword, log, Map.of());
    }

    /** The same with more RPIDEPLOY_* settings, which win over the ones above (e.g. the deployment address). */
    static Server start(Path home, int managementPort, int deploymentPort, String adminPassword, Path log,
                        Map<String, String> settings) throws IOException {
        Path dist = Path.of(System.getProperty("rpideploy.dist"));
        ProcessBuilder builder = new ProcessBuilder(dist.resolve("bin/rpideploy").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.put("RPIDEPLOY_HOME", home.toString());
        // the crash test needs no boot environment: no Debian downloads at its start
        env.put("RPIDEPLOY_BOOT_ENV_INSTALLER_BUILD", "never");
        env.put("RPIDEPLOY_MANAGEMENT_ADDRESS", "127.0.0.1");
        env.put("RPIDEPLOY_MANAGEMENT_PORT", String.valueOf(managementPort));
        env.put("RPIDEPLOY_DEPLOYMENT_ADDRESS", "127.0.0.1");
        env.put("RPIDEPLOY_DEPLOYMENT_PORT", String.valueOf(deploymentPort));
        env.put("RPIDEPLOY_ADMIN_PASSWORD", adminPassword);
        env.putAll(settings);
        return new Server(builder.start(), managementPort, adminPassword);
    }

    /** A server process started elsewhere (with settings of its own), driven through the same API. */
    static Server attach(Process process, int managementPort, String adminPassword) {
        return new Server(process, managementPort, adminPassword);
    }

    /** Polls /health until it answers 200; fails after the limit or if the process dies. */
    public void awaitHealthy(Duration limit) throws InterruptedException {
        Instant deadline = Instant.now().plus(limit);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new AssertionError("server exited with " + process.exitValue() + " before it was healthy");
            }
            try {
                if (get("/health", false).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("server not healthy within " + limit);
    }

    public HttpResponse<String> get(String path, boolean asAdmin) throws IOException, InterruptedException {
        return HTTP.send(request(path, asAdmin).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return HTTP.send(request(path, true).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpRequest.Builder request(String path, boolean asAdmin) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                .timeout(Duration.ofSeconds(30));
        if (asAdmin) {
            builder.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString(("admin:" + adminPassword).getBytes(StandardCharsets.UTF_8)));
        }
        return builder;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no flush, no goodbye. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        }
    }

    /** SQLite's own verdict on the database file: {@code ok}, or what is wrong. */
    static String integrityCheck(Path database) throws java.sql.SQLException {
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection("jdbc:sqlite:" + database);
             java.sql.Statement statement = connection.createStatement();
             java.sql.ResultSet result = statement.executeQuery("PRAGMA integrity_check")) {
            result.next();
            return result.getString(1);
        }
    }

    public static jakarta.json.JsonObject json(String body) {
        try (var reader = jakarta.json.Json.createReader(new java.io.StringReader(body))) {
            return reader.readObject();
        }
    }
}
