package io.rpideploy.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rpideploy.it.Api.Reply;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The whole network boot through the running application: its own server with {@code RPIDEPLOY_NETBOOT_INTERFACE}
 * set to a veth pair this test creates (host end {@code rpdi0} 10.55.0.1/24, the boards' end in namespace
 * {@code rpdi-c1}), real clients there (busybox udhcpc, curl, busybox udhcpd as a rogue server), and the results
 * read back through the API and the console. Needs root (CI runs as root); skipped otherwise.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NetbootIT {

    static final String NS = "rpdi-c1";
    static final String HOST_IF = "rpdi0";
    static final String BOARD_IF = "rpdi1";
    static final String SERVER_IP = "10.55.0.1";
    static final int TFTP_PORT = 1069;
    static final String PI_MAC = "2c:cf:67:55:00:01";
    static final String PI_SERIAL = "1000000055aa0001";
    /** Option 97 as a Pi 5 sends it: type 0, "RPi5", board revision, MAC low bytes, serial 0x55aa0001. */
    static final String PI_OPTION_97 = "0x61:00525069357041d0006755000101" + "00aa55";
    static final byte[] START4 = new byte[300_000];

    private static boolean network;
    private static Path work;
    private static ConsoleBrowser browser;
    private static String piAddress;

    private final Api admin = Api.admin();
    private final Api pi = Api.deployment();

    @RegisterExtension
    static final TestWatcher KEEP_FAILED_PAGE = ConsoleBrowser.keepingFailedPages(() -> browser);

    @Deployment(testable = false)
    static WebArchive deployment() throws Exception {
        WebArchive war = ItServer.war(); // a fresh data directory: the boot tree goes in after
        Path boot = Path.of(System.getenv("RPIDEPLOY_HOME"), "boot");
        Files.createDirectories(boot);
        new Random(97).nextBytes(START4);
        Files.write(boot.resolve("start4.elf"), START4);
        // only in the failsafe execution that configures netboot (pom: netboot-it); -Dit.test=NetbootIT selects
        // the class in the other execution too, where it skips
        network = Shell.root() && System.getenv("RPIDEPLOY_NETBOOT_INTERFACE") != null
                && Shell.run(10, "ip", "-V").exit() == 0;
        if (network) {
            Shell.run(10, "ip", "netns", "del", NS); // a run killed before its clean-up
            Shell.must("ip", "netns", "add", NS);
            Shell.must("ip", "link", "add", HOST_IF, "type", "veth", "peer", "name", BOARD_IF);
            Shell.must("ip", "link", "set", BOARD_IF, "netns", NS);
            Shell.must("ip", "addr", "add", SERVER_IP + "/24", "dev", HOST_IF);
            Shell.must("ip", "link", "set", HOST_IF, "up");
            Shell.must("ip", "-n", NS, "link", "set", "lo", "up");
            Shell.must("ip", "-n", NS, "link", "set", BOARD_IF, "up");
            Runtime.getRuntime().addShutdownHook(new Thread(NetbootIT::removeNetwork));
        }
        work = Files.createTempDirectory("netboot-it");
        return war;
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (browser != null) {
            browser.close();
        }
        removeNetwork();
    }

    private static void removeNetwork() {
        if (network) {
            // deleting the namespace deletes the board's end and with it the pair
            Shell.run(10, "ip", "netns", "del", NS);
            Shell.run(10, "ip", "link", "del", HOST_IF);
        }
    }

    @Test
    @Order(1)
    void bothServersComeUpOnTheDeploymentInterfaceAndHealthSaysSo() throws Exception {
        assumeTrue(network, "needs root for network namespaces");
        JsonObject servers = awaitJson(() -> Api.anonymousManagement().get("/health").json()
                .getJsonObject("checks").getJsonObject("netboot").getJsonObject("servers"),
                s -> s.containsKey("dhcp") && "up".equals(s.getJsonObject("dhcp").getString("status"))
                        && s.containsKey("tftp") && "up".equals(s.getJsonObject("tftp").getString("status")),
                "DHCP and TFTP up in /health");
        assertTrue(servers.getJsonObject("dhcp").getString("message").contains(HOST_IF), servers.toString());
        JsonObject status = admin.get("/api/netboot").json();
        assertEquals("up", status.getJsonObject("servers").getJsonObject("tftp").getString("state"),
                status.toString());
    }

    @Test
    @Order(2)
    void anOrdinaryClientGetsAnAddressOnlyAndTheLeaseIsStored() throws Exception {
        assumeTrue(network, "needs root for network namespaces");
        String mac = "02:55:00:00:00:01";
        Shell.must("ip", "-n", NS, "link", "set", BOARD_IF, "address", mac);
        Map<String, String> env = udhcpc();
        String ip = env.get("ip");
        assertNotNull(ip, "bound: " + env);
        int last = Integer.parseInt(ip.substring(ip.lastIndexOf('.') + 1));
        assertTrue(ip.startsWith("10.55.0.") && last >= 100 && last <= 250, "the plan's pool: " + ip);
        assertEquals("255.255.255.0", env.get("subnet"));
        assertEquals("43200", env.get("lease"), "12 h");
        assertEquals(SERVER_IP, env.get("serverid"));
        assertNull(env.get("opt43"), "no boot menu for a laptop");
        assertNull(env.get("router"), "no option 3 on the isolated network");

        JsonObject lease = awaitJson(() -> lease(mac), l -> l != null, "lease of " + mac + " in /api/netboot/leases");
        assertEquals(ip, lease.getString("ip_address"));
        assertEquals("bound", lease.getString("state"));
        assertEquals("OTHER", lease.getString("client_kind"));
        awaitJson(() -> admin.get("/api/netboot/events?limit=1000").json(),
                e -> events(e).stream().anyMatch(x -> "ACK".equals(x.getString("kind"))
                        && mac.equals(x.getString("mac_address", null))), "the ACK recorded");
    }

    @Test
    @Order(3)
    void aPiGetsThePiMenuUntilItsDeploymentSucceedsThenOnlyAfterAReimageRequest() throws Exception {
        assumeTrue(network, "needs root for network namespaces");
        Shell.must("ip", "-n", NS, "link", "set", BOARD_IF, "address", PI_MAC);
        Map<String, String> env = piDhcp();
        piAddress = env.get("ip");
        assertNotNull(piAddress, "bound: " + env);
        assertEquals(SERVER_IP, env.get("siaddr"));
        assertEquals(SERVER_IP, env.get("tftp"), "option 66");
        assertNotNull(env.get("opt43"), "the Raspberry Pi PXE menu: " + env);
        assertEquals("PXEClient", env.get("vendor"));
        JsonObject lease = awaitJson(() -> lease(PI_MAC), l -> l != null, "the Pi's lease");
        assertEquals("RPI5", lease.getString("client_kind"));
        assertEquals("55aa0001", lease.getString("pi_serial"));

        // the board is deployed: it must boot from its card from now on
        long deployment = deploySuccessfully();
        Map<String, String> after = piDhcp();
        assertEquals(piAddress, after.get("ip"), "same board, same address");
        assertNull(after.get("opt43"), "netboot once: no boot menu for a finished board: " + after);
        assertNull(after.get("tftp"), after.toString());

        Reply reimage = admin.post("/api/netboot/reimage", "{\"serial_number\":\"" + PI_SERIAL + "\"}");
        assertEquals(200, reimage.status(), reimage.toString());
        assertTrue(reimage.json().getBoolean("reimage_requested"));
        assertNotNull(piDhcp().get("opt43"), "re-imaging sends it into the installer again");
        JsonObject audit = admin.get("/api/audit?limit=20").json();
        assertTrue(audit.toString().contains("device.reimage"), audit.toString());

        // the deployment's timeline shows its network boot
        JsonObject detail = admin.get("/api/deployments/" + deployment).json();
        assertTrue(detail.getJsonArray("netboot").stream().map(JsonValue::asJsonObject)
                .anyMatch(x -> "dhcp".equals(x.getString("protocol")) && "ACK".equals(x.getString("kind"))),
                detail.toString());
        Reply unknown = admin.post("/api/netboot/reimage", "{\"mac_address\":\"02:00:00:00:99:99\"}");
        ManagementApiIT.assertError(unknown, 404, "mac_address");
        ManagementApiIT.assertError(admin.post("/api/netboot/reimage", "{}"), 400, "serial_number");
    }

    @Test
    @Order(4)
    void tftpServesTheBootTreeAndTheBoardsOwnCmdlineAndRecordsEachFile() throws Exception {
        assumeTrue(network, "needs root for network namespaces");
        assumeTrue(piAddress != null, "the Pi's lease from the test before");
        Shell.run(10, "ip", "-n", NS, "addr", "add", piAddress + "/24", "dev", BOARD_IF);
        Path start4 = work.resolve("start4.elf");
        LiveWatcher watcher = LiveWatcher.connect(Api.MANAGEMENT_PORT, "admin", Api.ADMIN_PASSWORD);
        try {
            Shell.Result got = Shell.inNs(NS, 30, "curl", "-sS", "--tftp-blksize", "1468", "-o", start4.toString(),
                    "tftp://" + SERVER_IP + ":" + TFTP_PORT + "/55aa0001/start4.elf");
            assertEquals(0, got.exit(), got.output());
            assertArrayEquals(START4, Files.readAllBytes(start4), "byte-identical over TFTP");
            // the console hears of the request at once and of the transfer when it ends, with the board's MAC
            JsonObject started = watcher.until(Duration.ofSeconds(10), m -> "netboot.tftp.started".equals(
                    m.getString("type")) && "55aa0001/start4.elf".equals(m.getString("file", null)));
            assertEquals(piAddress, started.getString("ip_address"));
            JsonObject ended = watcher.until(Duration.ofSeconds(10), m -> "netboot.tftp".equals(m.getString("type"))
                    && "55aa0001/start4.elf".equals(m.getString("file", null)));
            assertEquals("COMPLETED", ended.getString("outcome"));
            assertEquals(START4.length, ended.getJsonNumber("bytes").longValue());
            assertEquals(PI_MAC, ended.getString("mac_address"), "the board known by its lease, live too");
        } finally {
            watcher.close();
        }

        Shell.Result cmdline = Shell.inNs(NS, 30, "curl", "-sS", "tftp://" + SERVER_IP + ":" + TFTP_PORT
                + "/55aa0001/cmdline.txt");
        assertEquals(0, cmdline.exit(), cmdline.output());
        // generated (the tree has none): the installer's settings and the board's serial
        assertTrue(cmdline.output().startsWith("console=serial0,115200 console=tty1 rpideploy.server=http://"
                + SERVER_IP + ":" + Api.DEPLOYMENT_PORT + " rpideploy.serial=55aa0001 rpideploy.product="),
                cmdline.output());
        Shell.Result config = Shell.inNs(NS, 30, "curl", "-sS", "tftp://" + SERVER_IP + ":" + TFTP_PORT
                + "/55aa0001/config.txt");
        assertEquals(0, config.exit(), config.output());
        assertTrue(config.output().contains("\ninitramfs initramfs-installer.cpio.gz followkernel\n"),
                config.output());

        Shell.Result missing = Shell.inNs(NS, 30, "curl", "-sS", "tftp://" + SERVER_IP + ":" + TFTP_PORT
                + "/55aa0001/no-such.dtb");
        assertFalse(missing.exit() == 0, "a missing file is an error, not a hang: " + missing.output());

        JsonObject events = awaitJson(() -> admin.get("/api/netboot/events?limit=1000").json(),
                e -> events(e).stream().anyMatch(x -> "55aa0001/start4.elf".equals(x.getString("file_name", null)))
                        && events(e).stream().anyMatch(x -> "55aa0001/no-such.dtb".equals(x.getString("file_name",
                        null))), "the transfers recorded");
        JsonObject transfer = events(events).stream()
                .filter(x -> "55aa0001/start4.elf".equals(x.getString("file_name", null))).findFirst().orElseThrow();
        assertEquals("tftp", transfer.getString("protocol"));
        assertEquals("COMPLETED", transfer.getString("kind"));
        assertEquals(START4.length, transfer.getJsonNumber("bytes").longValue());
        assertEquals(1468, transfer.getInt("block_size"));
        assertEquals(PI_MAC, transfer.getString("mac_address"), "the board known by its lease");
        assertTrue(events(events).stream().anyMatch(x -> "55aa0001/no-such.dtb".equals(x.getString("file_name",
                null)) && "REFUSED".equals(x.getString("kind"))), events.toString());
    }

    @Test
    @Order(5)
    void anotherDhcpServerOnTheDeploymentNetworkIsReported() throws Exception {
        assumeTrue(network, "needs root for network namespaces");
        Shell.run(10, "ip", "-n", NS, "addr", "add", "10.55.0.2/24", "dev", BOARD_IF);
        Path conf = work.resolve("udhcpd.conf");
        Files.writeString(conf, "start 10.55.0.20\nend 10.55.0.30\ninterface " + BOARD_IF + "\n"
                + "lease_file " + work.resolve("udhcpd.leases") + "\npidfile " + work.resolve("udhcpd.pid") + "\n"
                + "option subnet 255.255.255.0\n");
        Files.writeString(work.resolve("udhcpd.leases"), "");
        Process rogue = new ProcessBuilder("ip", "netns", "exec", NS, "busybox", "udhcpd", "-f", conf.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("udhcpd.log").toFile()).start();
        try {
            // udhcpd names itself by the interface's first address: the Pi's lease from before, or .2
            awaitJson(() -> admin.get("/api/netboot/events?limit=1000").json(),
                    e -> events(e).stream().anyMatch(x -> "ROGUE".equals(x.getString("kind"))
                            && List.of("10.55.0.2", piAddress).contains(x.getString("ip_address", ""))),
                    "the rogue server in the boards' namespace reported");
        } finally {
            rogue.destroy();
            rogue.waitFor();
        }
    }

    @Test
    @Order(6)
    void theNetworkPageListsServersLeasesAndActivity() throws Exception {
        assumeTrue(network, "needs root for network namespaces");
        browser = new ConsoleBrowser(Api.MANAGEMENT_PORT);
        browser.open("/login.xhtml?next=/network/index.xhtml");
        browser.type("login:username", "admin");
        browser.type("login:password", Api.ADMIN_PASSWORD);
        browser.clickAndLoad("login:submit");
        browser.waitForText("live-state", "Live");
        String page = browser.bodyText();
        assertTrue(page.contains(PI_MAC), "the Pi's lease: " + page);
        assertTrue(page.contains("55aa0001/start4.elf"), "its TFTP transfer");
        String servers = browser.find("network:servers").getText();
        assertTrue(servers.contains("DHCP") && servers.contains("TFTP") && !servers.contains("down")
                && servers.contains("up"), "both servers up: " + servers);
        browser.screenshot("30-network");

        // a lease made while the page is open appears without a reload
        Shell.must("ip", "-n", NS, "link", "set", BOARD_IF, "address", "02:55:00:00:00:07");
        assertNotNull(udhcpc().get("ip"));
        browser.waitForText("network:leases", "02:55:00:00:00:07");

        browser.type("reimageForm:board", "02:00:00:00:99:98");
        browser.click("reimageForm:reimage");
        browser.waitForAjax();
        assertTrue(browser.messageBeside("reimageForm:board").contains("No board"),
                browser.messageBeside("reimageForm:board"));
    }

    // ---- helpers

    /** A deployment of the Pi through the deployment API, as its installer does, to success. */
    private long deploySuccessfully() {
        assertEquals(201, admin.post("/api/venues", "{\"code\":\"NETB\",\"name\":\"Netboot\"}").status());
        assertEquals(200, admin.post("/api/kart-numbers", "{\"venue_code\":\"NETB\",\"numbers\":\"1-3\"}").status());
        byte[] image = ItImages.disk(32 * 1024, 5);
        ItImages.uploadActive(admin, "KXP2", "netboot-1", "netboot-it.img", image);
        Reply config = pi.post("/api/config", "{\"product_type\":\"KXP2\",\"venue_code\":\"NETB\",\"serial_number\":\""
                + PI_SERIAL + "\",\"mac_address\":\"" + PI_MAC + "\"}");
        assertEquals(200, config.status(), config.toString());
        long id = config.json().getJsonNumber("deployment_id").longValue();
        for (String state : List.of("downloading", "verifying", "customizing", "success")) {
            Reply status = pi.post("/api/status", "{\"status\":\"" + state + "\",\"deployment_id\":" + id
                    + ",\"serial\":\"" + PI_SERIAL + "\",\"message\":\"" + state + "\"}");
            assertEquals(200, status.status(), status.toString());
        }
        return id;
    }

    private static Map<String, String> piDhcp() throws Exception {
        return udhcpc("-x", PI_OPTION_97, "-x", "0x5d:0000", "-V", "PXEClient:Arch:00000:UNDI:002001",
                "-O", "43", "-O", "60", "-O", "66");
    }

    private JsonObject lease(String mac) {
        return admin.get("/api/netboot/leases").json().getJsonArray("leases").stream().map(JsonValue::asJsonObject)
                .filter(l -> mac.equals(l.getString("mac_address"))).findFirst().orElse(null);
    }

    private static List<JsonObject> events(JsonObject answer) {
        return answer.getJsonArray("events").stream().map(JsonValue::asJsonObject).toList();
    }

    /** udhcpc's "bound" environment (a script that only prints: the namespace's address is never changed). */
    private static Map<String, String> udhcpc(String... extra) throws Exception {
        Path script = work.resolve("print-env.sh");
        if (!Files.exists(script)) {
            Files.writeString(script, "#!/bin/sh\necho \"EVENT $1\"\nenv | sed 's/^/ENV /'\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        List<String> command = new java.util.ArrayList<>(List.of("busybox", "udhcpc", "-i", BOARD_IF, "-n", "-q",
                "-f", "-t", "4", "-T", "1", "-A", "1", "-s", script.toString()));
        command.addAll(List.of(extra));
        String output = Shell.inNs(NS, 30, command.toArray(String[]::new)).output();
        Map<String, String> env = new HashMap<>();
        boolean bound = false;
        for (String line : output.split("\n")) {
            if (line.startsWith("EVENT")) {
                bound = line.trim().equals("EVENT bound");
            } else if (bound && line.startsWith("ENV ")) {
                int eq = line.indexOf('=');
                if (eq > 4) {
                    env.put(line.substring(4, eq), line.substring(eq + 1));
                }
            }
        }
        return env;
    }

    @FunctionalInterface
    interface Read {
        JsonObject get() throws Exception;
    }

    /** Polls (at most 60 s) until the answer satisfies the condition: the adapter hands events over in batches. */
    private static JsonObject awaitJson(Read read, Predicate<JsonObject> done, String what) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonObject last = null;
        while (System.nanoTime() < end) {
            try {
                last = read.get();
                if (done.test(last)) {
                    return last;
                }
            } catch (RuntimeException notYet) {
                // e.g. a component not reported yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("not within 60 s: " + what + "; last answer " + last);
    }
}
