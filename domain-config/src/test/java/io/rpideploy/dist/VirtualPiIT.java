package io.rpideploy.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The "virtual Pi": the built distribution, started as a user would on a fresh data directory with its netboot
 * interface on a test network, builds its installer environment by itself, takes a Raspberry-Pi-OS-shaped image
 * (with Debian's real arm64 kernel and modules) and builds the KXP2 boot environment from it; then an emulated
 * arm64 board (QEMU, TCG) boots that kernel with the initramfs exactly as the server built it and the command line
 * the server generates for the board over TFTP, and the installer images its blank NVMe disk. The disk is read
 * back with independent tools. A second guest, an x86 iPXE client, checks that iPXE gets the script and loads the
 * kernel over HTTP instead of chainloading iPXE again.
 *
 * <p>Skipped (with the reason) when not root or when QEMU or the Debian tools it needs are missing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VirtualPiIT {

    private static final String SERIAL = "1a2b3c4d";
    private static final String PI_MAC = "2c:cf:67:77:09:01";
    private static final String IPXE_MAC = "52:54:00:77:09:02";
    private static final String UEFI_MAC = "52:54:00:77:09:03";
    private static final String HOSTNAME = "KXP2-CORO-001";
    private static final int MANAGEMENT_PORT = 17100;
    private static final int DEPLOYMENT_PORT = 5001;
    private static final Map<String, String> TOOLS = toolsAndPackages();

    private static Path work;
    private static Path home;
    private static TestNet net;
    private static Server server;
    private static DebianKernel kernel;
    private static PiImage image;
    private static final Map<String, Duration> TIMES = new LinkedHashMap<>();

    /** tool (or file) -> the Debian package that has it, as .ci/run installs them. */
    private static Map<String, String> toolsAndPackages() {
        Map<String, String> t = new LinkedHashMap<>();
        t.put("qemu-system-aarch64", "qemu-system-arm");
        t.put("qemu-system-x86_64", "qemu-system-x86");
        t.put("/usr/lib/ipxe/qemu/pxe-virtio.rom", "ipxe-qemu");
        t.put("ip", "iproute2");
        t.put("curl", "curl");
        t.put("tcpdump", "tcpdump");
        t.put("apt-get", "apt");
        t.put("dpkg-deb", "dpkg");
        t.put("depmod", "kmod");
        t.put("sfdisk", "fdisk");
        t.put("mkfs.vfat", "dosfstools");
        t.put("mcopy", "mtools");
        t.put("mkfs.ext4", "e2fsprogs");
        t.put("debugfs", "e2fsprogs");
        t.put("zstd", "zstd");
        return t;
    }

    @BeforeAll
    static void setUp() throws Exception {
        assumeTrue(Cmd.root(), "needs root: network namespace, veth, tap device, DHCP and TFTP ports");
        List<String> missing = TOOLS.entrySet().stream().filter(e -> !Cmd.has(e.getKey()))
                .map(e -> e.getKey() + " (" + e.getValue() + ")").toList();
        assumeTrue(missing.isEmpty(), "missing tools: " + String.join(", ", missing) + "; .ci/run installs them");

        Path target = Path.of(System.getProperty("rpideploy.it.home")).getParent();
        work = fresh(target.resolve("virtual-pi"));
        home = Files.createDirectories(work.resolve("home"));

        Instant t = Instant.now();
        kernel = DebianKernel.fetch(work.resolve("kernel-deb"));
        image = PiImage.build(kernel, Files.createDirectories(work.resolve("image")), "vpi-kxp2.img");
        time("test image built (" + kernel.packageFile + ", " + Files.size(image.zst) + " bytes .zst)", t);

        net = TestNet.create();
        String password = "it-" + UUID.randomUUID();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("RPIDEPLOY_BOOT_ENV_INSTALLER_BUILD", "auto");
        settings.put("RPIDEPLOY_NETBOOT_INTERFACE", TestNet.HOST_IF);
        settings.put("RPIDEPLOY_DEPLOYMENT_ADDRESS", TestNet.SERVER_IP);
        settings.put("RPIDEPLOY_DEPLOYMENT_DEFAULT_PRODUCT", "KXP2");
        settings.put("RPIDEPLOY_DEPLOYMENT_DEFAULT_VENUE", "CORO");
        settings.put("RPIDEPLOY_NETBOOT_ROGUE_CHECK_INTERVAL", "0");
        t = Instant.now();
        server = Server.start(home, MANAGEMENT_PORT, DEPLOYMENT_PORT, password, work.resolve("server.log"),
                settings);
        server.awaitHealthy(Duration.ofSeconds(180));
        time("server healthy", t);

        t = Instant.now();
        JsonObject env = poll("installer environment built", Duration.ofMinutes(20),
                () -> json(server.get("/api/boot-environment", true).body()),
                e -> e.getBoolean("installer_available", false));
        time("installer environment built at first start", t);

        assertEquals(201, server.post("/api/venues", "{\"code\":\"CORO\",\"name\":\"Coronado\"}").statusCode());
        assertEquals(200, server.post("/api/kart-numbers", "{\"venue_code\":\"CORO\",\"numbers\":\"1-20\"}")
                .statusCode());

        t = Instant.now();
        Path imported = Files.createDirectories(home.resolve("images/import")).resolve("vpi-kxp2.img.zst");
        Files.copy(image.zst, imported);
        HttpResponse<String> reply = server.post("/api/images/import",
                "{\"filename\":\"vpi-kxp2.img.zst\",\"product_type\":\"KXP2\",\"version\":\"vpi-1\"}");
        assertEquals(201, reply.statusCode(), reply.body());
        long id = json(reply.body()).getJsonObject("image").getJsonNumber("id").longValue();
        reply = server.post("/api/images/" + id + "/activate", "{}");
        assertEquals(200, reply.statusCode(), reply.body());
        env = poll("KXP2 boot environment complete", Duration.ofMinutes(10),
                () -> json(server.get("/api/boot-environment", true).body()), e -> kxp2(e).getBoolean("complete", false));
        time("image imported, activated, KXP2 boot environment built", t);
        System.out.println("[virtual-pi] boot environment: " + kxp2(env));
        assertEquals(kernel.release, kxp2(env).getString("kernel_release", ""));
    }

    @AfterAll
    static void tearDown() throws Exception {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            if (net != null || Cmd.root()) {
                TestNet.remove();
            }
            if (work != null) {
                StringBuilder report = new StringBuilder();
                TIMES.forEach((what, d) -> report.append(String.format("%7.1f s  %s%n", d.toMillis() / 1000.0, what)));
                Files.writeString(work.resolve("timings.txt"), report.toString());
                System.out.print("[virtual-pi] timings:\n" + report);
            }
        }
    }

    @Test
    @Order(1)
    void directKernelBootImagesTheNvmeDisk() throws Exception {
        // the line the server generates for this board, fetched as the board's bootloader would (TFTP)
        Cmd.Result tftp = Cmd.inNs(TestNet.NS, 30, "curl", "-sS", "--max-time", "20",
                "tftp://" + TestNet.SERVER_IP + "/" + SERIAL + "/cmdline.txt");
        assertTrue(tftp.ok(), tftp.output());
        String cmdline = tftp.output().trim();
        System.out.println("[virtual-pi] cmdline.txt for " + SERIAL + ": " + cmdline);
        for (String word : List.of("rpideploy.server=http://" + TestNet.SERVER_IP + ":" + DEPLOYMENT_PORT,
                "rpideploy.serial=" + SERIAL, "rpideploy.product=KXP2", "rpideploy.venue=CORO",
                "rpideploy.runtime_sha256=", "rpideploy.installer_sha256=")) {
            assertTrue(cmdline.contains(word), "cmdline.txt lacks " + word + ": " + cmdline);
        }
        Path initramfs = home.resolve("boot-env/KXP2/initramfs-installer.cpio.gz");
        assertTrue(Files.isRegularFile(initramfs), "the server built no " + initramfs);
        Path disk = work.resolve("nvme0.img");
        Cmd.must(10, "truncate", "-s", "256M", disk.toString());

        Instant t = Instant.now();
        // serial0 is a Pi device tree alias; on QEMU's virt machine the UART is ttyAMA0, added last so that the
        // console (and /init's messages) reach the log
        List<String> qemu = List.of("qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a57", "-smp", "2",
                "-m", "1024", "-no-reboot",
                "-kernel", image.bootDir.resolve("kernel8.img").toString(), "-initrd", initramfs.toString(),
                "-append", cmdline + " console=ttyAMA0",
                "-netdev", "tap,id=n0,ifname=" + TestNet.TAP + ",script=no,downscript=no",
                "-device", "virtio-net-pci,netdev=n0,mac=" + PI_MAC + ",romfile=",
                "-drive", "file=" + disk + ",if=none,id=d0,format=raw", "-device", "nvme,drive=d0,serial=vpi0001");
        JsonObject deployment;
        try (Guest pi = Guest.start(work.resolve("run-a-console.log"), work.resolve("run-a-qemu.log"), qemu)) {
            // success ends in "reboot -f", which ends QEMU (-no-reboot); the failure screen never reboots
            boolean ended = pi.until(Duration.ofMinutes(15), () -> !pi.alive()
                    || pi.text().contains("This board will NOT reboot"));
            time("run A: QEMU start to guest reboot after the installer (exit " + pi.exitCode() + ")", t);
            printStages(pi.text());
            assertTrue(ended, "run A did not end within 15 min; console: " + work.resolve("run-a-console.log"));
            assertFalse(pi.text().contains("INSTALLATION FAILED"), tail(pi.text()));
            deployment = latestDeployment();
        }
        assertEquals("success", deployment.getString("status"), deployment.toString());
        assertEquals(HOSTNAME, deployment.getString("hostname"));
        assertEquals(PI_MAC, deployment.getString("mac_address", "").toLowerCase());
        checkDisk(disk);
        checkTimeline(deployment.getJsonNumber("id").longValue());
        checkHostname(disk);
    }

    /**
     * An x86 BIOS machine whose NIC ROM is Debian's iPXE (it says so in DHCP: user class iPXE, option 175), with the
     * server's default boot-file settings: it must get the script boot.ipxe over TFTP and then fetch the kernel over
     * HTTP from /boot/KXP2/, and never be handed undionly.kpxe (the chainload loop). The kernel is arm64, so iPXE
     * refuses to boot it and the script tries again after 10 s: a second HTTP fetch with no new TFTP request shows
     * the loop stays inside the script.
     */
    @Test
    @Order(2)
    void ipxeClientGetsTheScriptAndTheKernelOverHttpWithoutChainloading() throws Exception {
        long after = lastEventId();
        Path pcap = work.resolve("ipxe.pcap");
        Path dumpLog = work.resolve("ipxe-tcpdump.log");
        Process tcpdump = new ProcessBuilder("ip", "netns", "exec", TestNet.NS, "tcpdump", "-i", "br0", "-n", "-U",
                "--immediate-mode", "-s", "256", "-w", pcap.toString(), "tcp port " + DEPLOYMENT_PORT
                + " or udp port 69 or udp port 67 or udp port 68").redirectErrorStream(true)
                .redirectOutput(dumpLog.toFile()).start();
        int kernelFetches = 0;
        Instant t = Instant.now();
        try {
            poll("tcpdump listening", Duration.ofSeconds(20), () -> Files.readString(dumpLog),
                    s -> s.contains("listening on"));
            List<String> qemu = List.of("qemu-system-x86_64", "-M", "pc", "-m", "512", "-boot", "n", "-no-reboot",
                    "-netdev", "tap,id=n0,ifname=" + TestNet.TAP + ",script=no,downscript=no",
                    "-device", "virtio-net-pci,netdev=n0,mac=" + IPXE_MAC);
            try (Guest x86 = Guest.start(work.resolve("ipxe-console.log"), work.resolve("ipxe-qemu.log"), qemu)) {
                x86.until(Duration.ofMinutes(3), () -> httpGets(pcap, "/boot/KXP2/").stream()
                        .filter(g -> g.contains("kernel8.img")).count() >= 2);
                time("iPXE client: power-on to the script's second kernel fetch over HTTP", t);
                assertTrue(x86.alive(), "the x86 guest ended: " + work.resolve("ipxe-qemu.log"));
            }
        } finally {
            tcpdump.destroy();
            tcpdump.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        List<String> gets = httpGets(pcap, "/");
        System.out.println("[virtual-pi] iPXE HTTP requests: " + gets);
        kernelFetches = (int) gets.stream().filter(g -> g.contains("/boot/KXP2/kernel8.img")).count();
        assertTrue(kernelFetches >= 1, "iPXE never fetched the kernel over HTTP: " + gets);

        List<JsonObject> events = eventsSince(after, IPXE_MAC);
        events.forEach(e -> System.out.println("[virtual-pi]   iPXE event " + describe(e)));
        List<String> files = events.stream().filter(e -> "tftp".equalsIgnoreCase(e.getString("protocol", "")))
                .map(e -> e.getString("file_name", "")).filter(f -> !f.isEmpty()).toList();
        assertTrue(files.contains("boot.ipxe"), "boot.ipxe not fetched over TFTP: " + files);
        assertFalse(files.stream().anyMatch(f -> f.contains("undionly") || f.endsWith(".kpxe")
                || f.endsWith(".efi")), "an iPXE binary was handed out again: " + files);
        assertTrue(files.stream().allMatch(f -> f.equals("boot.ipxe")), "unexpected TFTP files: " + files);
        assertTrue(kernelFetches >= 2, "the script's retry fetched the kernel again over HTTP: " + gets);
    }

    /**
     * Run B: an arm64 UEFI machine (edk2's QEMU_EFI.fd) whose own PXE asks DHCP with option 93 = 11 and gets the
     * server's default arm64 UEFI boot file: Debian's signed network GRUB, built into the installer environment, which
     * reads the {@code grub/grub.cfg} the server generates and loads the KXP2 kernel and the installer initramfs over
     * TFTP. Nothing is placed by hand.
     */
    @Test
    @Order(3)
    void uefiPxeBootsTheInstallerThroughDebiansNetworkGrub() throws Exception {
        Path disk = work.resolve("nvme1.img");
        Cmd.must(10, "truncate", "-s", "256M", disk.toString());
        long after = lastEventId();
        Instant t = Instant.now();
        List<String> qemu = List.of("qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a57", "-smp", "2",
                "-m", "1024", "-no-reboot", "-bios", "/usr/share/qemu-efi-aarch64/QEMU_EFI.fd",
                "-netdev", "tap,id=n0,ifname=" + TestNet.TAP + ",script=no,downscript=no",
                "-device", "virtio-net-pci,netdev=n0,mac=" + UEFI_MAC + ",romfile=",
                "-drive", "file=" + disk + ",if=none,id=d0,format=raw", "-device", "nvme,drive=d0,serial=vpi0002");
        JsonObject deployment = null;
        try (Guest uefi = Guest.start(work.resolve("run-b-console.log"), work.resolve("run-b-qemu.log"), qemu)) {
            // GRUB without a configuration stops at its prompt, and a failed IPv4 PXE goes on to IPv6: both end the
            // run too
            boolean ended = uefi.until(Duration.ofMinutes(12), () -> !uefi.alive()
                    || uefi.text().contains("This board will NOT reboot") || uefi.text().contains("grub> ")
                    || uefi.text().contains("Start PXE over IPv6"));
            time("run B: UEFI power-on to the end (exit " + uefi.exitCode() + ")", t);
            printStages(uefi.text());
            List<JsonObject> events = eventsSince(after, UEFI_MAC);
            events.forEach(e -> System.out.println("[virtual-pi]   UEFI event " + describe(e)));
            List<String> files = events.stream().map(e -> e.getString("file_name", "")).toList();
            assertFalse(uefi.text().contains("Start PXE over IPv6"), "the firmware's IPv4 PXE failed: " + events.stream()
                    .map(VirtualPiIT::describe).toList());
            assertTrue(files.contains("grubnetaa64.efi"), "the firmware fetched GRUB: " + files);
            assertTrue(files.stream().anyMatch(f -> f.endsWith("grub/grub.cfg")), "GRUB read its configuration: "
                    + files);
            assertFalse(uefi.text().contains("grub> "), "GRUB found no configuration: " + events.stream()
                    .map(VirtualPiIT::describe).toList());
            assertTrue(ended, "run B did not end within 12 min; console: " + work.resolve("run-b-console.log"));
            deployment = json(server.get("/api/deployments?limit=5", true).body()).getJsonArray("deployments")
                    .stream().map(JsonValue::asJsonObject)
                    .filter(d -> UEFI_MAC.equalsIgnoreCase(d.getString("mac_address", ""))).findFirst().orElse(null);
        }
        assertNotNull(deployment, "no deployment of the UEFI board " + UEFI_MAC);
        assertEquals("success", deployment.getString("status"), deployment.toString());
        assertEquals(partitions(image.raw), partitions(disk), "partition table");
    }

    /** GET request lines in the capture (tcpdump -A prints the first bytes of each TCP payload). */
    private static List<String> httpGets(Path pcap, String prefix) {
        Cmd.Result r = Cmd.run(30, "tcpdump", "-r", pcap.toString(), "-n", "-A", "tcp port " + DEPLOYMENT_PORT);
        List<String> gets = new ArrayList<>();
        for (String line : r.output().split("\n")) {
            int at = line.indexOf("GET " + prefix);
            if (at >= 0) {
                gets.add(line.substring(at).trim());
            }
        }
        return gets;
    }

    private static long lastEventId() throws Exception {
        long max = 0;
        for (JsonValue v : json(server.get("/api/netboot/events?limit=1000", true).body()).getJsonArray("events")) {
            max = Math.max(max, v.asJsonObject().getJsonNumber("id").longValue());
        }
        return max;
    }

    /** The server's DHCP/TFTP events after an id, of one MAC (or all with null), oldest first. */
    private static List<JsonObject> eventsSince(long after, String mac) throws Exception {
        List<JsonObject> events = new ArrayList<>();
        for (JsonValue v : json(server.get("/api/netboot/events?limit=1000", true).body()).getJsonArray("events")) {
            JsonObject e = v.asJsonObject();
            if (e.getJsonNumber("id").longValue() > after
                    && (mac == null || mac.equalsIgnoreCase(e.getString("mac_address", "")))) {
                events.add(e);
            }
        }
        events.sort(Comparator.comparingLong(e -> e.getJsonNumber("id").longValue()));
        return events;
    }

    private static String describe(JsonObject e) {
        StringBuilder b = new StringBuilder();
        for (String k : List.of("protocol", "kind", "file_name", "client_kind", "ip_address", "bytes", "block_size",
                "window_size", "detail")) {
            if (e.containsKey(k) && !e.isNull(k)) {
                b.append(k).append('=').append(e.get(k).toString().replace("\"", "")).append(' ');
            }
        }
        return b.toString().trim();
    }

    /** The disk read back with sfdisk, mtools and debugfs: the image's bytes, our hostname. */
    private static void checkDisk(Path disk) throws IOException {
        assertEquals(partitions(image.raw), partitions(disk), "partition table");

        String fat = disk + "@@" + PiImage.bootOffset();
        Path out = Files.createDirectories(work.resolve("readback/boot"));
        for (String f : List.of("kernel8.img", PiImage.DTB, "config.txt", "overlays/README")) {
            Path copy = out.resolve(f.replace('/', '_'));
            Cmd.must(60, "env", "MTOOLS_SKIP_CHECK=1", "mcopy", "-n", "-i", fat, "::" + f, copy.toString());
            assertEquals(-1L, Files.mismatch(image.bootDir.resolve(f), copy), f + " on the FAT partition");
        }
        String cmdline = Cmd.must(30, "env", "MTOOLS_SKIP_CHECK=1", "mtype", "-i", fat, "::cmdline.txt");
        System.out.println("[virtual-pi] cmdline.txt on the disk: " + cmdline.trim());
        for (String word : Files.readString(image.bootDir.resolve("cmdline.txt")).trim().split(" ")) {
            assertTrue(cmdline.contains(word), "the image's cmdline.txt word " + word + " was lost: " + cmdline);
        }
        System.out.println("[virtual-pi] FAT root after customizing: "
                + Cmd.run(30, "env", "MTOOLS_SKIP_CHECK=1", "mdir", "-b", "-i", fat, "::").output().trim()
                .replace('\n', ' '));

        String ext4 = disk + "?offset=" + PiImage.rootOffset();
        String hosts = debugfs(ext4, "cat /etc/hosts");
        assertFalse(hosts.contains("raspberrypi"), hosts);
        assertTrue(hosts.contains("127.0.0.1\tlocalhost"), hosts);
        assertEquals(Files.readString(image.rootDir.resolve("etc/fstab")), debugfs(ext4, "cat /etc/fstab"));
        assertTrue(debugfs(ext4, "stat /lib").contains("Fast link dest: \"usr/lib\""), "/lib -> usr/lib");
        // every module file, byte for byte, dumped in one go
        Path modules = Files.createDirectories(work.resolve("readback/root"));
        debugfs(ext4, "rdump /usr/lib/modules " + modules);
        Path written = modules.resolve("modules/" + kernel.release);
        int compared = 0;
        for (String f : image.moduleFiles) {
            Path w = written.resolve(f);
            assertTrue(Files.isRegularFile(w), f + " missing on the disk");
            assertEquals(-1L, Files.mismatch(image.rootDir.resolve("usr/lib/modules/" + kernel.release + "/" + f), w),
                    f + " differs");
            compared++;
        }
        assertTrue(compared > 100, "compared " + compared + " module files");
        System.out.println("[virtual-pi] disk read back: partition table, 4 FAT files, " + compared
                + " module files identical");
    }

    /** The hostname the server assigned, exactly (upper case), in /etc/hostname and on /etc/hosts' 127.0.1.1 line. */
    private static void checkHostname(Path disk) {
        String ext4 = disk + "?offset=" + PiImage.rootOffset();
        String hostname = debugfs(ext4, "cat /etc/hostname");
        String hosts = debugfs(ext4, "cat /etc/hosts");
        System.out.println("[virtual-pi] /etc/hostname on the disk: " + hostname.trim() + "; 127.0.1.1 line: "
                + hosts.lines().filter(l -> l.startsWith("127.0.1.1")).findFirst().orElse("(none)"));
        assertEquals(HOSTNAME + "\n", hostname, "/etc/hostname");
        assertTrue(hosts.lines().anyMatch(l -> l.matches("127\\.0\\.1\\.1\\s+" + HOSTNAME + "\\s*")), hosts);
    }

    private static void checkTimeline(long id) throws Exception {
        JsonObject detail = json(server.get("/api/deployments/" + id, true).body());
        List<String> states = detail.getJsonArray("events").stream()
                .map(e -> e.asJsonObject().getString("state")).toList();
        System.out.println("[virtual-pi] deployment " + id + " states: " + states);
        for (String s : List.of("downloading", "verifying", "customizing", "success")) {
            assertTrue(states.contains(s), "timeline lacks " + s + ": " + states);
        }
        List<String> steps = new ArrayList<>();
        for (JsonValue v : detail.getJsonArray("netboot")) {
            JsonObject e = v.asJsonObject();
            steps.add(e.getString("protocol", "?") + " " + e.getString("kind", "?")
                    + (e.isNull("file_name") || !e.containsKey("file_name") ? "" : " " + e.getString("file_name")));
        }
        System.out.println("[virtual-pi] deployment " + id + " netboot steps: " + steps);
        assertTrue(steps.stream().anyMatch(s -> s.startsWith("DHCP") || s.startsWith("dhcp")),
                "no DHCP step of the board in its timeline: " + steps);
    }

    // ------------------------------------------------------------------------------------------------------------

    private static JsonObject latestDeployment() throws Exception {
        JsonObject page = json(server.get("/api/deployments?limit=5", true).body());
        assertFalse(page.getJsonArray("deployments").isEmpty(), "no deployment recorded: " + page);
        return page.getJsonArray("deployments").getJsonObject(0);
    }

    private static JsonObject kxp2(JsonObject env) {
        for (String key : env.keySet()) {
            JsonValue v = env.get(key);
            if (v.getValueType() == JsonValue.ValueType.ARRAY) {
                for (JsonValue p : v.asJsonArray()) {
                    if (p.getValueType() == JsonValue.ValueType.OBJECT
                            && "KXP2".equals(p.asJsonObject().getString("product_type", ""))) {
                        return p.asJsonObject();
                    }
                }
            }
        }
        return JsonValue.EMPTY_JSON_OBJECT;
    }

    private static String partitions(Path disk) {
        // sfdisk -d names each partition after the file: keep only what describes the table
        return Cmd.must(30, "sfdisk", "-d", disk.toString()).lines().filter(l -> !l.startsWith("device:"))
                .map(l -> l.replace(disk.toString(), "DISK")).collect(Collectors.joining("\n"));
    }

    private static String debugfs(String device, String request) {
        Cmd.Result r = Cmd.run(120, "debugfs", "-R", request, device);
        assertEquals(0, r.exit(), request + ": " + r.output());
        // debugfs prints its version banner on stderr, merged here: drop it
        return r.output().lines().filter(l -> !l.startsWith("debugfs 1.")).collect(Collectors.joining("\n"))
                + (r.output().endsWith("\n") ? "\n" : "");
    }

    private static void printStages(String console) {
        console.lines().filter(l -> l.contains("rpideploy: [")).forEach(l -> System.out.println("[virtual-pi]   " + l));
    }

    private static String tail(String text) {
        return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
    }

    interface Source<T> {
        T get() throws Exception;
    }

    /** Polls every 2 s until the value satisfies the test; fails with the last value after the limit. */
    static <T> T poll(String what, Duration limit, Source<T> source, java.util.function.Predicate<T> test)
            throws Exception {
        Instant deadline = Instant.now().plus(limit);
        T last = null;
        while (Instant.now().isBefore(deadline)) {
            if (server != null && !server.alive()) {
                fail("the server exited while waiting for: " + what);
            }
            try {
                last = source.get();
                if (test.test(last)) {
                    return last;
                }
            } catch (IOException notNow) {
                // retry
            }
            Thread.sleep(2000);
        }
        fail(what + ": not within " + limit + "; last answer: " + last);
        return null;
    }

    static void time(String what, Instant since) {
        Duration d = Duration.between(since, Instant.now());
        TIMES.put(what, d);
        System.out.printf("[virtual-pi] %.1f s: %s%n", d.toMillis() / 1000.0, what);
    }

    static JsonObject json(String body) {
        try (var reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        }
    }

    private static Path fresh(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return Files.createDirectories(dir);
    }
}
