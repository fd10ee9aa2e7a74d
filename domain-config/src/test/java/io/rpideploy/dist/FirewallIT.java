package io.rpideploy.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rpideploy.netboot.tftp.TftpServerMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped nftables rules (network/rpi-deploy.nft) at work, in two network namespaces the test creates: a
 * "server" with a management link (192.168.101.10) and a deployment link (192.168.151.1), and a "client" on both.
 * Our TFTP engine (its own JVM) and stand-in listeners on the console and deployment ports run in the server. With
 * the rules loaded, TFTP transfers whole from the deployment side although its data flows on ports the kernel picks
 * (no range is opened), the console answers only on the management side, the deployment port only on the deployment
 * side, and TFTP not at all from the management side. Before the rules, everything answers (the control).
 */
class FirewallIT {

    private static final String SRV = "rpfw-srv";
    private static final String CLI = "rpfw-cli";
    private static final String MGMT = "192.168.101.10";
    private static final String DEPLOY = "192.168.151.1";
    private static final List<Process> PROCESSES = new ArrayList<>();

    @TempDir
    static Path dir;
    private static byte[] bootFile;

    @BeforeAll
    static void lab() throws Exception {
        assumeTrue(Cmd.root() && Cmd.has("ip") && Cmd.has("nft") && Cmd.has("curl") && Cmd.has("python3"),
                "needs root, ip, nft, curl and python3 (.ci/run installs them)");
        removeLab();
        Cmd.must(20, "ip", "netns", "add", SRV);
        Cmd.must(20, "ip", "netns", "add", CLI);
        link("rpfwm0", "rpfwm1", MGMT, "192.168.101.50");
        link("rpfwd0", "rpfwd1", DEPLOY, "192.168.151.50");
        for (String ns : List.of(SRV, CLI)) {
            Cmd.must(20, "ip", "-n", ns, "link", "set", "lo", "up");
        }

        Path root = Files.createDirectories(dir.resolve("boot"));
        bootFile = new byte[300_000];
        new Random(17).nextBytes(bootFile);
        Files.write(root.resolve("start4.elf"), bootFile);
        Files.writeString(dir.resolve("index.html"), "listener\n");

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        start(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"), TftpServerMain.class.getName(),
                "0.0.0.0", "69", root.toString());
        for (String port : List.of("5000", "5001")) {
            start("python3", "-m", "http.server", port, "--bind", "0.0.0.0", "--directory", dir.toString());
        }
        // bounded wait until all three listen
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Cmd.inNs(SRV, 5, "ss", "-lntu").output().contains(":5001")
                || !Cmd.inNs(SRV, 5, "ss", "-lntu").output().contains(":5000")
                || !Cmd.inNs(SRV, 5, "ss", "-lnu").output().contains(":69")) {
            assertTrue(System.nanoTime() < deadline, "listeners did not start: " + Cmd.inNs(SRV, 5, "ss", "-lntu"));
            Thread.sleep(200);
        }
    }

    private static void link(String srvEnd, String cliEnd, String srvIp, String cliIp) {
        Cmd.must(20, "ip", "link", "add", srvEnd, "netns", SRV, "type", "veth", "peer", "name", cliEnd, "netns", CLI);
        Cmd.must(20, "ip", "-n", SRV, "addr", "add", srvIp + "/24", "dev", srvEnd);
        Cmd.must(20, "ip", "-n", CLI, "addr", "add", cliIp + "/24", "dev", cliEnd);
        Cmd.must(20, "ip", "-n", SRV, "link", "set", srvEnd, "up");
        Cmd.must(20, "ip", "-n", CLI, "link", "set", cliEnd, "up");
    }

    private static void start(String... command) throws Exception {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", SRV));
        all.addAll(List.of(command));
        PROCESSES.add(new ProcessBuilder(all).redirectErrorStream(true)
                .redirectOutput(dir.resolve("srv-" + PROCESSES.size() + ".log").toFile()).start());
    }

    @AfterAll
    static void removeLab() {
        for (Process p : PROCESSES) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        PROCESSES.clear();
        Cmd.run(20, "ip", "netns", "del", SRV);
        Cmd.run(20, "ip", "netns", "del", CLI);
    }

    private static boolean http(String address, int port) {
        return Cmd.inNs(CLI, 10, "curl", "-sf", "--max-time", "2", "http://" + address + ":" + port + "/index.html")
                .output().contains("listener");
    }

    private static byte[] tftp(String address) throws Exception {
        Path out = dir.resolve("got-" + System.nanoTime());
        Cmd.Result r = Cmd.inNs(CLI, 15, "curl", "-s", "--max-time", "4", "--tftp-blksize", "1468",
                "-o", out.toString(), "tftp://" + address + "/start4.elf");
        return r.ok() && Files.exists(out) ? Files.readAllBytes(out) : new byte[0];
    }

    @Test
    void onlyWhatEachNetworkNeedsGetsThrough() throws Exception {
        // control: without the firewall every listener answers on both sides
        assertTrue(http(DEPLOY, 5000) && http(MGMT, 5001), "the lab itself does not work");
        assertArrayEquals(bootFile, tftp(MGMT), "TFTP does not work in the lab without the firewall");

        String rules = Files.readString(Path.of("src/main/dist/network/rpi-deploy.nft"))
                .replace("define MGMT_IF = \"eth0\"", "define MGMT_IF = \"rpfwm0\"")
                .replace("define DEPLOY_IF = \"eth1\"", "define DEPLOY_IF = \"rpfwd0\"");
        assertTrue(rules.contains("\"rpfwm0\"") && rules.contains("\"rpfwd0\""), "interface defines not found");
        Path file = dir.resolve("lab.nft");
        Files.writeString(file, rules);
        Cmd.Result load = Cmd.inNs(SRV, 20, "nft", "-f", file.toString());
        assertEquals(0, load.exit(), load.output());
        // loading twice replaces the table (an upgrade reloads the file)
        assertEquals(0, Cmd.inNs(SRV, 20, "nft", "-f", file.toString()).exit());

        assertTrue(http(MGMT, 5000), "console from the management network");
        assertFalse(http(DEPLOY, 5000), "console reachable from the boards' network");
        assertTrue(http(DEPLOY, 5001), "deployment port from the boards' network");
        assertFalse(http(MGMT, 5001), "deployment API reachable from the management network");

        // TFTP: 300 kB in about 200 blocks, DATA from a port the kernel picked, the board's ACKs let in as
        // replies; a blksize option makes the server answer OACK first (also from the new port)
        assertArrayEquals(bootFile, tftp(DEPLOY), "TFTP from the boards' network");
        assertEquals(0, tftp(MGMT).length, "TFTP answered on the management network");

        String counted = Cmd.inNs(SRV, 10, "nft", "list", "table", "inet", "rpideploy").output();
        assertTrue(counted.matches("(?s).*counter packets [1-9].*"), "the refused packets were not counted: "
                + counted);
    }
}
