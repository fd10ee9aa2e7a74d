package io.rpideploy.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The shipped network files (domain-config/src/main/dist/network): the nftables rules open exactly the ports the
 * server's settings default to, each only on its own network, and nft itself accepts them; the netplan file gives the
 * two NICs the plan's addresses, and netplan itself accepts it. The nft and netplan checks are skipped (reported)
 * when the tools are missing; .ci/run installs them.
 */
class NetworkFilesTest {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Path NFT = Path.of("src/main/dist/network/rpi-deploy.nft");
    private static final Path NETPLAN = Path.of("src/main/dist/network/60-rpi-deploy.yaml");

    @TempDir
    Path tmp;

    /** The settings table's defaults: | `RPIDEPLOY_X` | `value` | ... */
    private static Map<String, String> readmeDefaults() throws IOException {
        Map<String, String> defaults = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^\\| `(RPIDEPLOY_[A-Z0-9_]+)` \\| `([^`]*)` \\|")
                .matcher(Files.readString(REPO.resolve("README.md")));
        while (m.find()) {
            defaults.put(m.group(1), m.group(2));
        }
        return defaults;
    }

    /** A netboot setting's literal default as NetbootSetting declares it (the README table is generated from it). */
    private static String netbootDefault(String key) throws IOException {
        String source = Files.readString(REPO.resolve(
                "netboot-rar/src/main/java/io/rpideploy/netboot/api/NetbootSetting.java"));
        Matcher m = Pattern.compile("literal\\(Reader\\.[A-Z]+,\\s*\"" + Pattern.quote(key)
                + "\",\\s*Types\\.PORT,\\s*\"(\\d+)\"").matcher(source);
        assertTrue(m.find(), "NetbootSetting has no port setting " + key);
        return m.group(1);
    }

    private static Map<String, String> defines(String nft) {
        Map<String, String> defines = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^define (\\w+) = (\\S+)").matcher(nft);
        while (m.find()) {
            defines.put(m.group(1), m.group(2).replace("\"", ""));
        }
        return defines;
    }

    @Test
    void portsAreTheSettingsDefaults() throws IOException {
        Map<String, String> readme = readmeDefaults();
        Map<String, String> nft = defines(Files.readString(NFT));
        assertEquals(readme.get("RPIDEPLOY_MANAGEMENT_PORT"), nft.get("CONSOLE_PORT"));
        assertEquals(readme.get("RPIDEPLOY_DEPLOYMENT_PORT"), nft.get("DEPLOYMENT_PORT"));
        assertEquals(readme.get("RPIDEPLOY_NETBOOT_DHCP_PORT"), nft.get("DHCP_PORT"));
        assertEquals(readme.get("RPIDEPLOY_NETBOOT_DHCP_CLIENT_PORT"), nft.get("DHCP_CLIENT_PORT"));
        assertEquals(readme.get("RPIDEPLOY_NETBOOT_TFTP_PORT"), nft.get("TFTP_PORT"));
        assertEquals(netbootDefault("tftp-port"), nft.get("TFTP_PORT"));
        assertEquals(netbootDefault("dhcp-port"), nft.get("DHCP_PORT"));
        assertEquals(netbootDefault("dhcp-client-port"), nft.get("DHCP_CLIENT_PORT"));
        // and the start script's defaults agree with the README
        String start = Files.readString(Path.of("src/main/dist/bin/rpideploy"));
        assertTrue(start.contains("RPIDEPLOY_MANAGEMENT_PORT:-" + nft.get("CONSOLE_PORT") + "}"));
        assertTrue(start.contains("RPIDEPLOY_DEPLOYMENT_PORT:-" + nft.get("DEPLOYMENT_PORT") + "}"));
    }

    @Test
    void eachPortOnlyOnItsOwnNetworkAndNothingElse() throws IOException {
        String nft = Files.readString(NFT);
        List<String> rules = new ArrayList<>();
        for (String line : nft.lines().map(String::strip).toList()) {
            if (!line.startsWith("#") && line.endsWith(" accept")) {
                rules.add(line);
            }
        }
        assertTrue(nft.contains("type filter hook input priority filter; policy drop;"));
        assertTrue(nft.contains("type filter hook forward priority filter; policy drop;"));
        List<String> opened = new ArrayList<>();
        for (String rule : rules) {
            if (!rule.contains("dport")) {
                // state, loopback and ICMP only
                assertTrue(rule.startsWith("ct state established,related") || rule.startsWith("iif \"lo\"")
                        || rule.contains("icmp"), rule);
                continue;
            }
            assertFalse(rule.matches(".*dport [^;]*\\d+-\\d+.*"), "a port range is opened: " + rule);
            if (rule.contains("$CONSOLE_PORT")) {
                assertTrue(rule.startsWith("iifname $MGMT_IF ip saddr $MGMT_LAN tcp dport { 22, $CONSOLE_PORT }"),
                        rule);
            } else {
                assertTrue(rule.startsWith("iifname $DEPLOY_IF "), "not bound to the deployment NIC: " + rule);
            }
            Matcher m = Pattern.compile("(tcp|udp) dport (\\{[^}]*}|\\S+)").matcher(rule);
            assertTrue(m.find(), rule);
            opened.add(m.group(1) + " " + m.group(2));
        }
        assertEquals(List.of("tcp { 22, $CONSOLE_PORT }", "udp $DHCP_PORT", "udp $DHCP_CLIENT_PORT",
                "udp $TFTP_PORT", "tcp $DEPLOYMENT_PORT"), opened);
        Map<String, String> d = defines(nft);
        assertEquals("192.168.151.0/24", d.get("DEPLOY_LAN"));
        assertEquals("192.168.101.0/24", d.get("MGMT_LAN"));
    }

    @Test
    void nftAcceptsTheFileAndRefusesABrokenOne() throws Exception {
        String nft = tool("nft");
        String unshare = tool("unshare");
        assumeTrue(nft != null && unshare != null, "nft not installed (.ci/run installs nftables)");
        // -c: parse and check against the kernel without committing, in a network namespace of its own
        assertEquals(0, run(unshare, "--net", nft, "-c", "-f", NFT.toString()), "nft -c refused the file");
        Path broken = tmp.resolve("broken.nft");
        Files.writeString(broken, Files.readString(NFT).replace("tcp dport $DEPLOYMENT_PORT", "tcp dport $NO_SUCH"));
        assertNotEquals(0, run(unshare, "--net", nft, "-c", "-f", broken.toString()));
    }

    @Test
    @SuppressWarnings("unchecked")
    void netplanGivesTheTwoNicsThePlansAddresses() throws Exception {
        Map<String, Object> network = (Map<String, Object>) ((Map<String, Object>) new Yaml()
                .load(Files.readString(NETPLAN))).get("network");
        Map<String, Map<String, Object>> nics = (Map<String, Map<String, Object>>) network.get("ethernets");
        Map<String, String> nft = defines(Files.readString(NFT));
        Map<String, Object> management = nics.get(nft.get("MGMT_IF"));
        Map<String, Object> deployment = nics.get(nft.get("DEPLOY_IF"));
        assertEquals(true, management.get("dhcp4"));
        assertEquals(false, deployment.get("dhcp4"));
        assertEquals(List.of("192.168.151.1/24"), deployment.get("addresses"));
        for (String routing : List.of("gateway4", "routes", "routing-policy", "nameservers")) {
            assertFalse(deployment.containsKey(routing), "the deployment network has no " + routing);
        }
        // the provisioning example agrees
        assertTrue(Files.readString(Path.of("src/main/dist/config/deployment_server_config.json"))
                .contains("\"deployment_ip\": \"192.168.151.1/24\""));

        assumeTrue(tool("netplan") != null, "netplan not installed (.ci/run installs netplan.io)");
        assertEquals(0, generate(Files.readString(NETPLAN)), "netplan generate refused the file");
        String networkd = Files.readString(tmp.resolve("root/run/systemd/network/10-netplan-" + nft.get("DEPLOY_IF")
                + ".network"));
        assertTrue(networkd.contains("Address=192.168.151.1/24"), networkd);
        assertFalse(networkd.contains("Gateway="), networkd);
        assertNotEquals(0, generate(Files.readString(NETPLAN).replace("192.168.151.1/24", "192.168.151.1/33")));
    }

    private int generate(String yaml) throws Exception {
        Path root = tmp.resolve("root");
        if (Files.exists(root)) {
            try (var walk = Files.walk(root)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Path file = root.resolve("etc/netplan/60-rpi-deploy.yaml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, yaml);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return run(tool("netplan"), "generate", "--root-dir", root.toString());
    }

    /** The tool's path, from PATH or the sbin folders a non-login PATH may lack; null when not installed. */
    private static String tool(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin";
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name).toString();
            }
        }
        return null;
    }

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish");
        }
        if (p.exitValue() != 0) {
            System.err.println(String.join(" ", command) + ": " + output);
        }
        return p.exitValue();
    }
}
