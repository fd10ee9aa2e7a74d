package io.rpideploy.ops.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HealthChecksTest {

    static Health health(int status, String body) {
        return new Health("management", "http://127.0.0.1:5000/health", status, Health.parse(body), null);
    }

    static final String NETBOOT_UP = """
            {"status":"UP","checks":{"netboot":{"status":"up","servers":{
             "dhcp":{"status":"up","message":"eth1 192.168.151.1:67"},"tftp":{"status":"up"}}}}}""";
    static final String NETBOOT_DISABLED = """
            {"status":"UP","checks":{"netboot":{"status":"up","servers":{
             "dhcp":{"status":"disabled","message":"no deployment interface set"},"tftp":{"status":"disabled"}}}}}""";
    static final String NETBOOT_DOWN = """
            {"status":"DOWN","checks":{"database":{"status":"up"},"netboot":{"status":"down","servers":{
             "dhcp":{"status":"down","message":"cannot bind 67: permission denied"},"tftp":{"status":"up"}}}}}""";

    @Test
    void netbootAdapterFromHealth() {
        assertEquals(Status.OK, HealthChecks.netboot(health(200, NETBOOT_UP), true).status());
        assertEquals(Status.OK, HealthChecks.netboot(health(200, NETBOOT_DISABLED), false).status(),
                "no interface configured: disabled is what was asked for");
        assertEquals(Status.FAIL, HealthChecks.netboot(health(200, NETBOOT_DISABLED), true).status());
        Finding down = HealthChecks.netboot(health(503, NETBOOT_DOWN), true);
        assertEquals(Status.FAIL, down.status());
        assertTrue(down.message().contains("permission denied"), down.message());
        assertEquals(Status.WARN, HealthChecks.netboot(new Health("m", "u", 0, null, "connection refused"), true)
                .status(), "not checked");
    }

    @Test
    void bootEnvironmentFromHealth() {
        Finding ready = HealthChecks.bootEnvironment(health(200, """
                {"checks":{"boot_environment":{"status":"ready","products":{
                 "KXP2":{"complete":true,"kernel_release":"6.6.51","problems":[]},
                 "RXP2":{"complete":false,"problems":["no active image of RXP2"]}}}}}"""));
        assertEquals(Status.OK, ready.status());
        assertTrue(ready.message().contains("KXP2 complete (kernel 6.6.51)"), ready.message());
        Finding incomplete = HealthChecks.bootEnvironment(health(200, """
                {"checks":{"boot_environment":{"status":"incomplete","products":{
                 "KXP2":{"complete":false,"problems":["installer environment lacks installer.jar"]}}}}}"""));
        assertEquals(Status.FAIL, incomplete.status());
        assertTrue(incomplete.message().contains("KXP2: installer environment lacks installer.jar"));
    }

    @Test
    void serverFindingNamesWhatIsDown() {
        assertEquals(Status.OK, health(200, NETBOOT_UP).finding().status());
        Finding down = health(503, NETBOOT_DOWN).finding();
        assertEquals(Status.FAIL, down.status());
        assertTrue(down.message().contains("down: netboot"), down.message());
    }

    @Test
    void startingUntilTheApplicationAnswers() {
        assertTrue(new Health("management", "u", 0, null, "connection refused").starting());
        assertTrue(health(503, NETBOOT_DOWN).starting());
        // Payara's listener before the application is deployed: 404, an HTML page
        assertTrue(health(404, "<html>Not Found</html>").starting());
        assertTrue(health(500, "<html>Internal Server Error</html>").starting());
        assertFalse(health(200, NETBOOT_UP).starting());
        assertFalse(health(404, "{\"error\":\"not_found\",\"message\":\"no such path\"}").starting());
    }

    @Test
    void fetchesHealthOverHttpAndSaysWhenNothingAnswers() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health", exchange -> {
            byte[] body = NETBOOT_DOWN.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        int port = server.getAddress().getPort();
        try {
            // a wildcard setting is reached over loopback
            Health h = Health.fetch("management", InetAddress.getByName("0.0.0.0"), port, Duration.ofSeconds(5));
            assertEquals(503, h.status());
            assertEquals("down", h.check("netboot").orElseThrow().getString("status"));
        } finally {
            server.stop(0);
        }
        Health none = Health.fetch("management", InetAddress.getLoopbackAddress(), port, Duration.ofSeconds(5));
        assertEquals(Status.FAIL, none.finding().status());
        assertTrue(none.finding().message().contains("connection refused"), none.finding().message());
    }
}
