package io.rpideploy.ops.provision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.ops.OpsEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** rpideploy provision against {@link FakeProxmox}: every request, its parameters and their order are checked. */
class ProvisionCommandTest {

    private static final String API = "/api2/json";
    private static final String N = API + "/nodes/" + FakeProxmox.NODE;
    private static final String VM = N + "/qemu/104";
    private static final String SNIPPET = "local:snippets/rpi-deploy-cw-rpi-deployment01-user.yaml";

    @TempDir
    static Path keys;
    @TempDir
    Path dir;

    private FakeProxmox pve;
    private Path config;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void keystore() throws Exception {
        FakeProxmox.makeKeystore(keys.resolve("pve.p12"), "changeit");
    }

    @BeforeEach
    void start() throws Exception {
        pve = new FakeProxmox(keys.resolve("pve.p12"), "changeit".toCharArray());
        config = writeConfig(pve.fingerprint(), null, 900);
    }

    @AfterEach
    void stop() {
        pve.close();
    }

    private Path writeConfig(String fingerprint, Integer vmid, int agentTimeout) throws Exception {
        String json = Files.readString(Path.of("src/main/dist/config/deployment_server_config.json"))
                .replace("https://192.168.11.194:8006", pve.url())
                .replace("\"token_id\": \"deployment@pve!rpideploy\"", "\"token_id\": \"" + FakeProxmox.TOKEN_ID + "\"")
                .replace("\"replace with the SHA-256 fingerprint shown by: pvenode cert info\"",
                        fingerprint == null ? "null" : "\"" + fingerprint + "\"")
                .replace("\"vmid\": null", "\"vmid\": " + vmid)
                .replace("\"node\": \"cw-dc01\"", "\"node\": \"" + FakeProxmox.NODE + "\"")
                .replace("\"agent_timeout_seconds\": 900", "\"agent_timeout_seconds\": " + agentTimeout);
        Path file = dir.resolve("config-" + System.nanoTime() + ".json");
        Files.writeString(file, json);
        return file;
    }

    private int run(String... args) throws Exception {
        return runWith(FakeProxmox.SECRET, args);
    }

    private int runWith(String secret, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--config", config.toString()));
        all.addAll(List.of(args));
        OpsEnvironment env = new OpsEnvironment(Map.of("PROXMOX_TOKEN_SECRET", secret), dir);
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            try {
                return new ProvisionCommand(Duration.ofMillis(5)).run(all, env, o, e);
            } catch (Exception ex) {
                // as Ops reports it: one line, exit 2
                e.println("failed: " + ex.getMessage());
                return 2;
            }
        }
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static List<Map.Entry<String, String>> p(String... kv) {
        List<Map.Entry<String, String>> list = new ArrayList<>();
        for (int i = 0; i < kv.length; i += 2) {
            list.add(Map.entry(kv[i], kv[i + 1]));
        }
        return list;
    }

    private ProvisionConfig parsedConfig() throws Exception {
        return ProvisionConfig.read(config);
    }

    private void imageAndSnippetPresent() throws Exception {
        pve.expect("GET", N + "/storage/local/content", p("content", "import"), 200,
                "{\"data\":[{\"volid\":\"local:import/other.qcow2\",\"format\":\"qcow2\",\"size\":1},"
                        + "{\"volid\":\"local:import/noble-server-cloudimg-amd64.qcow2\",\"format\":\"qcow2\","
                        + "\"size\":624951296,\"content\":\"import\",\"ctime\":1733000000}]}");
        long size = CloudInit.userData(parsedConfig()).getBytes(StandardCharsets.UTF_8).length;
        pve.expect("GET", N + "/storage/local/content", p("content", "snippets"), 200,
                "{\"data\":[{\"volid\":\"" + SNIPPET + "\",\"format\":\"snippets\",\"size\":" + size
                        + ",\"content\":\"snippets\"}]}");
    }

    @Test
    void createBuildsTheVmAsThePlanSaysAndReportsDoctor() throws Exception {
        pve.expect("GET", API + "/cluster/nextid", p(), 200, "{\"data\":\"104\"}");
        imageAndSnippetPresent();
        pve.task("POST", N + "/qemu", p(
                "vmid", "104", "name", "cw-rpi-deployment01", "ostype", "l26", "cores", "4", "sockets", "1",
                "memory", "8192", "scsihw", "virtio-scsi-single",
                "scsi0", "vm_data:0,import-from=local:import/noble-server-cloudimg-amd64.qcow2,discard=on,iothread=1,ssd=1",
                "ide2", "vm_data:cloudinit", "boot", "order=scsi0", "agent", "enabled=1,fstrim_cloned_disks=1",
                "net0", "virtio,bridge=vmbr0,tag=101", "net1", "virtio,bridge=vmbr0,tag=151", "onboot", "1",
                "description", "rpi-deploy deployment server (rpideploy provision)"), "qmcreate", 3, "OK");
        pve.task("PUT", VM + "/resize", p("disk", "scsi0", "size", "100G"), "resize", 0, "OK");
        pve.task("POST", VM + "/config", p("cicustom", "user=" + SNIPPET, "ipconfig0", "ip=dhcp",
                "ipconfig1", "ip=192.168.151.1/24", "nameserver", "8.8.8.8"), "qmconfig", 1, "OK");
        pve.task("POST", VM + "/status/start", p(), "qmstart", 1, "OK");
        pve.expect("POST", VM + "/agent/ping", p(), 500,
                "{\"data\":null,\"message\":\"QEMU guest agent is not running\\n\"}").times(3);
        pve.expect("POST", VM + "/agent/ping", p(), 200, "{\"data\":{\"result\":{}}}");
        pve.expect("POST", VM + "/agent/exec", p("command", "cloud-init", "command", "status", "command", "--wait"),
                200, "{\"data\":{\"pid\":1811}}");
        pve.expect("GET", VM + "/agent/exec-status", p("pid", "1811"), 200, "{\"data\":{\"exited\":0}}").times(2);
        pve.expect("GET", VM + "/agent/exec-status", p("pid", "1811"), 200,
                "{\"data\":{\"exited\":1,\"exitcode\":0,\"out-data\":\"status: done\\n\"}}");
        pve.expect("POST", VM + "/agent/exec", p("command", "/opt/rpi-deploy/bin/rpideploy", "command", "doctor",
                "command", "--json"), 200, "{\"data\":{\"pid\":1820}}");
        pve.expect("GET", VM + "/agent/exec-status", p("pid", "1820"), 200,
                "{\"data\":{\"exited\":1,\"exitcode\":0,\"out-data\":\"{\\\"status\\\":\\\"ok\\\"}\\n\"}}");

        int code = run("create");

        assertEquals(List.of(), pve.failures(), () -> String.join("\n", pve.log()));
        assertEquals(List.of(), pve.unmet());
        assertEquals(0, code, err());
        assertEquals("{\"status\":\"ok\"}\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aDoctorWarningIsExitOne() throws Exception {
        config = writeConfig(pve.fingerprint(), 104, 900);
        pve.expect("POST", VM + "/agent/ping", p(), 200, "{\"data\":{\"result\":{}}}");
        pve.expect("POST", VM + "/agent/exec", null, 200, "{\"data\":{\"pid\":7}}");
        pve.expect("GET", VM + "/agent/exec-status", p("pid", "7"), 200, "{\"data\":{\"exited\":1,\"exitcode\":0}}");
        pve.expect("POST", VM + "/agent/exec", null, 200, "{\"data\":{\"pid\":8}}");
        pve.expect("GET", VM + "/agent/exec-status", p("pid", "8"), 200,
                "{\"data\":{\"exited\":1,\"exitcode\":1,\"out-data\":\"{}\"}}");
        assertEquals(1, run("doctor"), err());
        assertEquals(List.of(), pve.failures());
    }

    @Test
    void aTaskEndingInErrorStopsWithItsExitStatus() throws Exception {
        config = writeConfig(pve.fingerprint(), 104, 900);
        imageAndSnippetPresent();
        pve.task("POST", N + "/qemu", null, "qmcreate", 2, "unable to create VM 104 - VM 104 already exists on node");
        assertEquals(2, run("create"));
        assertTrue(err().contains("exit status 'unable to create VM 104 - VM 104 already exists on node'"), err());
        assertTrue(pve.log().stream().noneMatch(l -> l.contains("/resize")), "went on after the failed task");
    }

    @Test
    void aCallThatShouldStartATaskButDoesNotIsAnError() throws Exception {
        pve.expect("POST", N + "/qemu/104/snapshot", p("snapname", "fresh"), 200, "{\"data\":null}");
        assertEquals(2, run("snapshot", "--vmid", "104", "--name", "fresh"));
        assertTrue(err().contains("Proxmox answered null where a task id (UPID) was expected"), err());
    }

    @Test
    void aTaskThatNeverStopsIsBounded() throws Exception {
        Path file = dir.resolve("c.json");
        Files.writeString(file, Files.readString(config).replace("\"task_timeout_seconds\": 900",
                "\"task_timeout_seconds\": 1").replace("\"vmid\": null", "\"vmid\": 104"));
        config = file;
        pve.task("POST", VM + "/template", p(), "qmtemplate", 100_000, "OK");
        long start = System.nanoTime();
        assertEquals(2, run("template"));
        assertTrue(err().contains("still running after 1 s"), err());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10);
    }

    @Test
    void aWrongTokenIsAClearAuthenticationError() throws Exception {
        assertEquals(2, runWith("not-the-secret", "backup", "--vmid", "104"));
        assertTrue(err().contains("HTTP 401: authentication failed"), err());
        assertFalse(err().contains("not-the-secret"), "the secret must not be printed");
    }

    @Test
    void proxmoxErrorJsonIsShown() throws Exception {
        pve.expect("POST", VM + "/snapshot", p("snapname", "before_upgrade", "description", "kept"), 500,
                "{\"errors\":{\"snapname\":\"snapshot name 'before_upgrade' already used\"},\"data\":null}");
        assertEquals(2, run("snapshot", "--vmid", "104", "--name", "before_upgrade", "--description", "kept"));
        assertTrue(err().contains("HTTP 500: snapname: snapshot name 'before_upgrade' already used"), err());
    }

    @Test
    void forbiddenSaysWhichPrivilegeIsMissing() throws Exception {
        pve.expect("POST", N + "/vzdump", null, 403,
                "{\"data\":null,\"message\":\"Permission check failed (/vms/104, VM.Backup)\\n\"}");
        assertEquals(2, run("backup", "--vmid", "104"));
        assertTrue(err().contains("HTTP 403: permission denied"), err());
        assertTrue(err().contains("Permission check failed (/vms/104, VM.Backup)"), err());
    }

    @Test
    void anAgentThatNeverAnswersIsBounded() throws Exception {
        config = writeConfig(pve.fingerprint(), 104, 1);
        pve.expect("POST", VM + "/agent/ping", p(), 500,
                "{\"data\":null,\"message\":\"QEMU guest agent is not running\\n\"}").forever();
        long start = System.nanoTime();
        assertEquals(2, run("doctor"));
        long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
        assertTrue(err().contains("did not answer within 1 s"), err());
        assertTrue(err().contains("QEMU guest agent is not running"), err());
        assertTrue(seconds < 10, seconds + " s");
        assertTrue(pve.log().size() > 2, "polled " + pve.log().size() + " times");
    }

    @Test
    void templateCloneSnapshotBackupSendTheirParameters() throws Exception {
        pve.task("POST", VM + "/template", p(), "qmtemplate", 1, "OK");
        pve.task("POST", VM + "/clone", p("newid", "105", "name", "cw-rpi-deployment02", "full", "1",
                "storage", "vm_data"), "qmclone", 2, "OK");
        pve.task("POST", N + "/qemu/105/snapshot", p("snapname", "fresh"), "qmsnapshot", 1, "OK");
        pve.task("POST", N + "/vzdump", p("vmid", "105", "storage", "local", "mode", "snapshot", "compress", "zstd"),
                "vzdump", 2, "OK");
        assertEquals(0, run("template", "--vmid", "104"), err());
        assertEquals(0, run("clone", "--vmid", "104", "--newid", "105", "--name", "cw-rpi-deployment02"), err());
        assertEquals(0, run("snapshot", "--vmid", "105", "--name", "fresh"), err());
        assertEquals(0, run("backup", "--vmid", "105"), err());
        assertEquals(List.of(), pve.failures(), () -> String.join("\n", pve.log()));
        assertEquals(List.of(), pve.unmet());
    }

    @Test
    void cloneWithoutNewIdAsksForTheNextFreeOne() throws Exception {
        pve.expect("GET", API + "/cluster/nextid", p(), 200, "{\"data\":\"131\"}");
        pve.task("POST", VM + "/clone", p("newid", "131", "full", "1", "storage", "vm_data"), "qmclone", 0, "OK");
        assertEquals(0, run("clone", "--vmid", "104"), err());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("cloned as VM 131"));
        assertEquals(List.of(), pve.failures());
    }

    @Test
    void aMissingCloudImageIsDownloadedByTheNode() throws Exception {
        pve.expect("GET", N + "/storage/local/content", p("content", "import"), 200, "{\"data\":[]}");
        pve.task("POST", N + "/storage/local/download-url", p("content", "import",
                "filename", "noble-server-cloudimg-amd64.qcow2",
                "url", "https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img"),
                "download", 2, "OK");
        ProxmoxClient client = new ProxmoxClient(java.net.URI.create(pve.url()), FakeProxmox.TOKEN_ID,
                FakeProxmox.SECRET, ProxmoxTls.context(java.util.Optional.of(pve.fingerprint()),
                java.util.Optional.empty()), Duration.ofMillis(5));
        new Provisioner(client, parsedConfig(), new PrintStream(err, true, StandardCharsets.UTF_8)).ensureImage();
        assertEquals(List.of(), pve.failures());
        assertEquals(List.of(), pve.unmet());
    }

    @Test
    void aMissingOrStaleSnippetSaysHowToCopyIt() throws Exception {
        config = writeConfig(pve.fingerprint(), 104, 900);
        pve.expect("GET", N + "/storage/local/content", p("content", "import"), 200,
                "{\"data\":[{\"volid\":\"local:import/noble-server-cloudimg-amd64.qcow2\"}]}");
        pve.expect("GET", N + "/storage/local/content", p("content", "snippets"), 200, "{\"data\":[]}");
        assertEquals(2, run("create"));
        assertTrue(err().contains("Proxmox's API cannot upload snippets"), err());
        assertTrue(err().contains("user-data --out rpi-deploy-cw-rpi-deployment01-user.yaml"), err());

        err.reset();
        pve.expect("GET", N + "/storage/local/content", p("content", "import"), 200,
                "{\"data\":[{\"volid\":\"local:import/noble-server-cloudimg-amd64.qcow2\"}]}");
        pve.expect("GET", N + "/storage/local/content", p("content", "snippets"), 200,
                "{\"data\":[{\"volid\":\"" + SNIPPET + "\",\"size\":12}]}");
        assertEquals(2, run("create"));
        assertTrue(err().contains("is 12 bytes"), err());
        assertTrue(pve.log().stream().noneMatch(l -> l.startsWith("POST")), "nothing created");
    }

    @Test
    void aWrongPinnedFingerprintRefusesTheServer() throws Exception {
        config = writeConfig("AB:".repeat(31) + "AB", 104, 900);
        assertEquals(2, run("backup"));
        assertTrue(err().contains("TLS: the server's certificate has SHA-256 fingerprint " + pve.fingerprint()), err());
        assertTrue(pve.log().isEmpty());
    }

    @Test
    void aPinnedCertificateNeedsNoMatchingName() throws Exception {
        config = writeConfig(pve.fingerprint(), 104, 900);
        Files.writeString(config, Files.readString(config).replace(pve.url(), pve.urlByOtherName()));
        pve.task("POST", N + "/vzdump", p("vmid", "104", "storage", "local", "mode", "snapshot", "compress", "zstd"),
                "vzdump", 0, "OK");
        assertEquals(0, run("backup"), err());
    }

    @Test
    void aCaFileIsTrustedWithTheNameChecked() throws Exception {
        Path ca = dir.resolve("pve-root-ca.pem");
        pve.writeCertificatePem(ca);
        config = writeConfig(null, 104, 900);
        Files.writeString(config, Files.readString(config).replace("\"tls_ca_file\": null",
                "\"tls_ca_file\": \"" + ca + "\""));
        pve.task("POST", N + "/vzdump", null, "vzdump", 1, "OK");
        assertEquals(0, run("backup"), err());

        // the same server by a name its certificate lacks: refused, as a CA-signed certificate must match
        Files.writeString(config, Files.readString(config).replace(pve.url(), pve.urlByOtherName()));
        err.reset();
        assertEquals(2, run("backup"));
        assertTrue(err().contains("TLS: "), err());
        assertEquals(3, pve.log().size(), () -> "the refused connection reached the API: " + pve.log());
    }

    @Test
    void withoutPinOrCaTheSelfSignedCertificateIsNotTrusted() throws Exception {
        config = writeConfig(null, 104, 900);
        assertEquals(2, run("backup"));
        assertTrue(err().contains("TLS: "), err());
        assertTrue(pve.log().isEmpty());
    }

    @Test
    void userDataInstallsThePackageAndWritesTheEnvironmentFile() throws Exception {
        assertEquals(0, run("user-data"));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("#cloud-config\n"));
        Map<String, Object> doc = new Yaml().load(text);
        assertEquals("cw-rpi-deployment01", doc.get("hostname"));
        assertEquals(false, doc.get("ssh_pwauth"));
        @SuppressWarnings("unchecked")
        Map<String, Object> file = ((List<Map<String, Object>>) doc.get("write_files")).get(0);
        assertEquals("/etc/rpi-deploy/rpi-deploy.env", file.get("path"));
        assertEquals("RPIDEPLOY_NETBOOT_INTERFACE=eth1", ((String) file.get("content")).lines()
                .filter(l -> l.startsWith("RPIDEPLOY_NETBOOT_INTERFACE")).findFirst().orElseThrow());
        @SuppressWarnings("unchecked")
        List<List<String>> runcmd = (List<List<String>>) doc.get("runcmd");
        assertEquals(List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-o",
                "Dpkg::Options::=--force-confold", "/var/tmp/rpi-deploy.deb"), runcmd.get(runcmd.size() - 1));
        assertTrue(((List<?>) doc.get("packages")).contains("qemu-guest-agent"));
    }

    @Test
    void secretsInTheConfigFileAreRefused() throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, Files.readString(config).replace("\"token_secret_file\": null",
                "\"token_secret\": \"abc\""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProvisionConfig.read(file));
        assertTrue(e.getMessage().contains("secrets do not belong in the config file"), e.getMessage());
    }

    @Test
    void aVmNameMustBeADnsName() throws Exception {
        Path file = dir.resolve("name.json");
        Files.writeString(file, Files.readString(config).replace("\"cw-rpi-deployment01\"", "\"../etc/x\""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProvisionConfig.read(file));
        assertTrue(e.getMessage().startsWith("vm.name: a DNS name expected"), e.getMessage());
    }

    @Test
    void aSecretFileMustBeTheOwnersAlone() throws Exception {
        Path secret = dir.resolve("token");
        Files.writeString(secret, FakeProxmox.SECRET + "\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
        Path file = dir.resolve("file.json");
        Files.writeString(file, Files.readString(config).replace("\"token_secret_env\": \"PROXMOX_TOKEN_SECRET\"",
                "\"token_secret_env\": null").replace("\"token_secret_file\": null",
                "\"token_secret_file\": \"" + secret + "\""));
        ProvisionConfig c = ProvisionConfig.read(file);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.tokenSecret(Map.of()));
        assertTrue(e.getMessage().contains("may be read by others"), e.getMessage());
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        assertEquals(FakeProxmox.SECRET, c.tokenSecret(Map.of()));
    }
}
