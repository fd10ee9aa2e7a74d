package io.rpideploy.ear;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The EAR on Payara Server 6 (full profile), set up the way ops do it: a fresh domain, then domain-config's
 * {@code bin/rpideploy-server-setup} (SQLite driver, post-boot and Server command files, deploy), then a restart.
 * Everything is driven through {@code asadmin}; the domain is always stopped at the end.
 */
class PayaraServerEarIT {

    private static final String DOMAIN = "rpideploy-it";
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

    private static final Path ASADMIN = Path.of(System.getProperty("rpideploy.it.payaraHome"), "bin", "asadmin");
    private static final Path DOMAIN_DIR = Path.of(System.getProperty("rpideploy.it.domainDir"));
    private static final Path HOME = Path.of(System.getProperty("rpideploy.it.home"));
    private static final Path EAR = Path.of(System.getProperty("rpideploy.it.ear"));
    private static final Path DIST = Path.of(System.getProperty("rpideploy.it.distDir"));
    // the command files ops use; overridable only to try a changed copy before it is committed
    private static final Path CONFIG = Path.of(System.getProperty("rpideploy.it.configDir", DIST.resolve("config").toString()));
    private static final Path LOGS = DOMAIN_DIR.resolveSibling("it-logs");
    private static final int ADMIN_PORT = Integer.getInteger("rpideploy.it.portbase") + 48;
    private static final int MANAGEMENT_PORT = Integer.getInteger("rpideploy.it.managementPort");
    private static final int DEPLOYMENT_PORT = Integer.getInteger("rpideploy.it.deploymentPort");

    private static final String EXIT = "[exit code] ";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final long STARTED = System.nanoTime();

    /** The domain's environment: Payara resolves the ${ENV=...} of domain.xml from the process that starts it. */
    private static final Map<String, String> SERVER_ENV = new HashMap<>();

    @BeforeAll
    static void deployOnFreshDomain() throws Exception {
        Files.createDirectories(LOGS);
        // a server left running by an interrupted earlier run would hold the ports
        stopDomain("stop-earlier-run");
        killLeftOver();
        deleteTree(DOMAIN_DIR.resolve(DOMAIN));
        deleteTree(HOME);
        deleteTree(LOGS);
        Files.createDirectories(HOME);
        Files.createDirectories(LOGS);

        SERVER_ENV.put("RPIDEPLOY_HOME", HOME.toString());
        SERVER_ENV.put("RPIDEPLOY_MANAGEMENT_ADDRESS", "127.0.0.1");
        SERVER_ENV.put("RPIDEPLOY_MANAGEMENT_PORT", String.valueOf(MANAGEMENT_PORT));
        SERVER_ENV.put("RPIDEPLOY_DEPLOYMENT_ADDRESS", "127.0.0.1");
        SERVER_ENV.put("RPIDEPLOY_DEPLOYMENT_PORT", String.valueOf(DEPLOYMENT_PORT));
        SERVER_ENV.put("RPIDEPLOY_HTTP_THREADS", "64");
        SERVER_ENV.put("RPIDEPLOY_HTTP_SELECTORS", "2");
        SERVER_ENV.put("RPIDEPLOY_DB_POOL_SIZE", "16");
        SERVER_ENV.put("RPIDEPLOY_DB_BUSY_TIMEOUT", "30000");
        SERVER_ENV.put("RPIDEPLOY_DB_SYNCHRONOUS", "NORMAL");
        // a throw-away first-admin password for this run only
        SERVER_ENV.put("RPIDEPLOY_ADMIN_PASSWORD", "it-" + UUID.randomUUID());

        run("create-domain", List.of(ASADMIN.toString(), "create-domain", "--nopassword",
                "--portbase", System.getProperty("rpideploy.it.portbase"),
                "--domaindir", DOMAIN_DIR.toString(), DOMAIN), Map.of());
        startDomain("start-domain");
        remote("loopback-runtime", "multimode", "--file", testFile("loopback-runtime.asadmin"));

        Map<String, String> setupEnv = new HashMap<>(Map.of(
                "AS_ADMIN_HOST", "127.0.0.1",
                "AS_ADMIN_PORT", String.valueOf(ADMIN_PORT),
                "RPIDEPLOY_CONFIG_DIR", CONFIG.toString(),
                "RPIDEPLOY_SQLITE_JAR", System.getProperty("rpideploy.it.sqliteJar")));
        run("rpideploy-server-setup", List.of("bash", DIST.resolve("bin/rpideploy-server-setup").toString(),
                ASADMIN.toString(), EAR.toString()), setupEnv);

        // restarted as the setup script asks: MicroProfile services go off, and every ${ENV=...} is resolved at boot
        stopDomain("stop-domain");
        startDomain("restart");
        awaitHealthy();
    }

    @AfterAll
    static void stopDomainAlways() throws Exception {
        try {
            stopDomain("final-stop-domain");
        } finally {
            killLeftOver();
            log("done after %ds", (System.nanoTime() - STARTED) / 1_000_000_000L);
        }
    }

    @Test
    void healthIsUpWithTheSqlitePoolInWalModeOnBothListeners() throws Exception {
        for (int port : new int[] {MANAGEMENT_PORT, DEPLOYMENT_PORT}) {
            HttpResponse<String> response = get(port, "/health");
            assertEquals(200, response.statusCode(), "GET /health on " + port + ": " + response.body());
            assertJson(response);
            JsonObject health = json(response);
            assertEquals("UP", health.getString("status"));
            JsonObject database = health.getJsonObject("checks").getJsonObject("database");
            assertEquals("up", database.getString("status"));
            assertEquals("wal", database.getString("journal_mode"));
        }
    }

    @Test
    void databasePathComesFromTheServersEnvironmentAtRunTime() throws IOException {
        // asadmin stored the reference itself, not the setup shell's value ...
        String domainXml = Files.readString(DOMAIN_DIR.resolve(DOMAIN).resolve("config/domain.xml"));
        assertTrue(domainXml.contains("${ENV=RPIDEPLOY_HOME}"), "domain.xml keeps ${ENV=RPIDEPLOY_HOME}");
        assertTrue(domainXml.contains("${ENV=RPIDEPLOY_MANAGEMENT_PORT}"), "domain.xml keeps the listener reference");
        // ... and the server resolved it: the database is in RPIDEPLOY_HOME
        assertTrue(Files.isRegularFile(HOME.resolve("rpideploy.db")), "database file in " + HOME);
    }

    @Test
    void managementApiWantsLoginOnTheManagementListener() throws Exception {
        HttpResponse<String> response = get(MANAGEMENT_PORT, "/api/venues");
        assertEquals(401, response.statusCode(), response.body());
        assertJson(response);
        assertEquals("unauthorized", json(response).getString("error"));
        assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"),
                "Basic challenge");
    }

    @Test
    void managementApiIsNotOnTheDeploymentListener() throws Exception {
        HttpResponse<String> response = get(DEPLOYMENT_PORT, "/api/venues");
        assertEquals(404, response.statusCode(), response.body());
        assertJson(response);
        assertEquals("not_found", json(response).getString("error"));
    }

    @Test
    void microProfileEndpointsAreOff() throws Exception {
        // MicroProfile Metrics/OpenAPI would answer these with 200 to anyone; the paths are the application's own,
        // behind its login like the management API: 401 with its JSON error
        for (String path : new String[] {"/metrics", "/openapi"}) {
            HttpResponse<String> response = get(MANAGEMENT_PORT, path);
            assertEquals(401, response.statusCode(), path + ": " + response.body());
            assertTrue(response.body().contains("\"error\":\"unauthorized\""),
                    path + " is refused by the application, not served by the runtime: " + response.body());
        }
    }

    private static void startDomain(String step) throws Exception {
        // pre-boot, so the domain's own listeners never bind beyond loopback
        run(step, List.of(ASADMIN.toString(), "start-domain", "--domaindir", DOMAIN_DIR.toString(),
                "--prebootcommandfile", testFile("loopback-pre-boot.asadmin"), DOMAIN), SERVER_ENV);
    }

    private static void stopDomain(String step) throws Exception {
        if (Files.isRegularFile(DOMAIN_DIR.resolve(DOMAIN).resolve("config/domain.xml"))) {
            Path output = start(step, List.of(ASADMIN.toString(), "stop-domain", "--domaindir",
                    DOMAIN_DIR.toString(), DOMAIN), Map.of());
            // stop-domain also fails when there is nothing to stop, which is fine here
            if (!Files.readString(output).contains("is not running")) {
                check(step, output);
            }
        }
    }

    /** Last resort when stop-domain failed: the server's pid file, written by Payara at start. */
    private static void killLeftOver() throws IOException {
        Path pidFile = DOMAIN_DIR.resolve(DOMAIN).resolve("config/pid");
        if (Files.isRegularFile(pidFile)) {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            ProcessHandle.of(pid).filter(p -> p.info().commandLine().orElse("").contains(DOMAIN))
                    .ifPresent(p -> {
                        log("killing left-over server %d", pid);
                        p.destroyForcibly();
                    });
        }
    }

    private static void remote(String step, String... command) throws Exception {
        List<String> line = new ArrayList<>(List.of(ASADMIN.toString(), "--host", "127.0.0.1",
                "--port", String.valueOf(ADMIN_PORT)));
        line.addAll(List.of(command));
        run(step, line, Map.of());
    }

    /** Runs a command that must succeed. */
    private static void run(String step, List<String> command, Map<String, String> env) throws Exception {
        check(step, start(step, command, env));
    }

    /**
     * Runs a command with a bounded wait; its output goes to target/it-logs/STEP.log (a file, so a server forked by
     * start-domain can never block on a pipe), followed by a line with the exit code.
     */
    private static Path start(String step, List<String> command, Map<String, String> env) throws Exception {
        long start = System.nanoTime();
        Path output = LOGS.resolve(step + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            fail(step + " did not finish within " + COMMAND_TIMEOUT + "; output: " + tail(output));
        }
        log("%s: exit %d after %ds", step, process.exitValue(), (System.nanoTime() - start) / 1_000_000_000L);
        Files.writeString(output, EXIT + process.exitValue() + "\n", StandardOpenOption.APPEND);
        return output;
    }

    private static void check(String step, Path output) throws IOException {
        if (!Files.readString(output).endsWith(EXIT + "0\n")) {
            fail(step + " failed; output (" + output + "):\n" + tail(output));
        }
    }

    private static void awaitHealthy() throws Exception {
        long start = System.nanoTime();
        long deadline = start + READY_TIMEOUT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = get(MANAGEMENT_PORT, "/health");
                if (response.statusCode() == 200) {
                    log("healthy after %ds", (System.nanoTime() - start) / 1_000_000_000L);
                    return;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(1000); // bounded polling: the loop ends at the deadline
        }
        fail("GET /health not 200 within " + READY_TIMEOUT + ": " + last + "; server log "
                + DOMAIN_DIR.resolve(DOMAIN).resolve("logs/server.log"));
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).GET().build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static void assertJson(HttpResponse<String> response) {
        String type = response.headers().firstValue("Content-Type").orElse("");
        assertTrue(type.startsWith("application/json"), "JSON, not " + type + ": " + response.body());
    }

    private static JsonObject json(HttpResponse<String> response) {
        try (JsonReader reader = Json.createReader(new StringReader(response.body()))) {
            return reader.readObject();
        }
    }

    private static String testFile(String name) {
        return Path.of(System.getProperty("user.dir"), "src/test/resources", name).toString();
    }

    private static String tail(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(path);
                }
            }
        }
    }

    private static void log(String format, Object... args) {
        System.out.printf("[PayaraServerEarIT] " + format + "%n", args);
    }
}
