package io.rpideploy.dist;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bench of simulated boards, shared by the fleet test and the fleet benchmark: each board a network namespace of
 * its own with a veth to the server's bridge (its own MAC as {@code eth0}, its own serial in {@code /proc/cpuinfo})
 * and a "card" (a loop device over a sparse file, or the plain sparse file when no loop device is free); the bridge
 * carries the server's address(es) and shapes what the server sends to every board together. Boards run the plan's
 * {@code pi_installer.py} (extracted from the plan's markdown, unchanged, on Debian's python3-requests) or our
 * installer.jar. Everything the lab made (namespaces, links, loop devices) is removed by {@link #close()}.
 */
public final class FleetLab implements AutoCloseable {

    /**
     * Names and addresses of one lab: {@code tag} prefixes links and namespaces, {@code net} (0-255) goes into the
     * boards' MACs and serials, {@code subnet} is the /24 (e.g. {@code 10.77.31}) whose .1 is the server's.
     */
    public record Layout(String tag, int net, String subnet, String venue, String product, long cardBytes,
                         Duration batchLimit) {
        public String bridge() {
            return "rp" + tag + "br";
        }

        public String serverIp() {
            return subnet + ".1";
        }

        String ns(int i) {
            return "rpdt-" + tag + i;
        }

        String hostLink(int i) {
            return "rp" + tag + i + "h";
        }
    }

    /** One simulated board: namespace, MAC, serial, card, and which installer it runs. */
    public record Board(int index, boolean plan, String ns, String mac, String serial, Path cpuinfo, Path cardFile,
                        String loop, Path log) {
        public String device() {
            return loop != null ? loop : cardFile.toString();
        }
    }

    /**
     * What one batch showed: wall time, each board's time and exit code, and what the download queue looked like
     * (for our server; zeros for another).
     */
    public record Batch(double seconds, List<Double> boardSeconds, Map<Integer, Integer> exits, int maxStreaming,
                        int ourWaits, double longestWait) {
        public long failures() {
            return exits.values().stream().filter(code -> code != 0).count();
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.1f s for %d boards (board times %s s; %d failed; at most %d "
                    + "streaming; %d queued, longest queue wait seen %.1f s)", seconds, boardSeconds.size(),
                    boardSeconds, failures(), maxStreaming, ourWaits, longestWait);
        }
    }

    private static final int MAX_BOARDS = 240;

    public final Layout layout;
    private final Path work;
    private final List<Board> boards = new ArrayList<>();
    /** Loop devices this lab attached and has not detached yet: only these are ever detached. */
    private final Set<String> attached = new LinkedHashSet<>();
    private int highest = -1;
    private int boardNice;

    public FleetLab(Layout layout, Path work) {
        this.layout = layout;
        this.work = work;
    }

    /**
     * Runs the boards' installers at this niceness: on a real bench every board is a computer of its own, here they
     * share the server's cores, and fifty of them would otherwise take most of its CPU.
     */
    public void boardNice(int nice) {
        this.boardNice = nice;
    }

    /** Root, iproute2, tc and unshare: what the lab needs on the host. */
    public static boolean available() {
        return Cmd.root() && Cmd.has("ip") && Cmd.has("tc") && Cmd.has("unshare");
    }

    /** Debian's python3 with requests: what the plan's installer needs. */
    public static boolean pythonRequests() {
        return Cmd.run(10, "/usr/bin/python3", "-c", "import requests").ok();
    }

    /**
     * The bridge of the server's side with the server's address, and the link shaped: what the host sends into the
     * bridge (the server to every board together) goes through one {@code mbit} limit, a token bucket ({@code tbf})
     * or an HTB class ({@code htb}, as a managed switch port's shaper would be configured).
     */
    public void network(int mbit, boolean htb) {
        removeNetwork();
        // the lab's subnet must be its own: never put an address beside a network this host really has
        String inUse = Cmd.must(10, "ip", "-o", "-4", "addr", "show");
        if (inUse.contains(" " + layout.subnet() + ".")) {
            throw new IllegalStateException(layout.subnet() + ".0/24 is already on this host: " + inUse);
        }
        String bridge = layout.bridge();
        Cmd.must(20, "ip", "link", "add", bridge, "type", "bridge", "stp_state", "0", "forward_delay", "0");
        Cmd.must(20, "ip", "addr", "add", layout.serverIp() + "/24", "dev", bridge);
        Cmd.must(20, "ip", "link", "set", bridge, "up");
        if (htb) {
            Cmd.must(20, "tc", "qdisc", "replace", "dev", bridge, "root", "handle", "1:", "htb", "default", "10");
            Cmd.must(20, "tc", "class", "add", "dev", bridge, "parent", "1:", "classid", "1:10", "htb", "rate",
                    mbit + "mbit", "ceil", mbit + "mbit");
        } else {
            Cmd.must(20, "tc", "qdisc", "replace", "dev", bridge, "root", "tbf", "rate", mbit + "mbit", "burst",
                    "256kb", "latency", "100ms");
        }
    }

    /** Bytes the shaped bridge has sent so far (what went to the boards). */
    public long bridgeBytesSent() {
        try {
            return Long.parseLong(Files.readString(Path.of("/sys/class/net", layout.bridge(),
                    "statistics/tx_bytes")).strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** Links down or up again, as a board's cable pulled and put back. */
    public void link(Board b, boolean up) {
        Cmd.must(10, "ip", "link", "set", layout.hostLink(b.index()), up ? "up" : "down");
    }

    /** {@code count} boards from {@code first}; the first {@code plan} of them run the plan's installer. */
    public List<Board> boards(int first, int count, int plan) throws IOException {
        if (first + count > MAX_BOARDS) {
            throw new IllegalArgumentException("at most " + MAX_BOARDS + " boards");
        }
        List<Board> made = new ArrayList<>();
        for (int i = first; i < first + count; i++) {
            String ns = layout.ns(i);
            String host = layout.hostLink(i);
            String peer = "rp" + layout.tag() + i + "b";
            String mac = String.format(Locale.ROOT, "2c:cf:67:%02x:%02x:%02x", layout.net(), i >> 8, i & 0xff);
            String serial = String.format(Locale.ROOT, "10000000f1%02x%04x", layout.net(), i);
            highest = Math.max(highest, i);
            Cmd.must(20, "ip", "netns", "add", ns);
            Cmd.must(20, "ip", "link", "add", host, "type", "veth", "peer", "name", peer);
            Cmd.must(20, "ip", "link", "set", peer, "netns", ns);
            Cmd.must(20, "ip", "link", "set", host, "master", layout.bridge());
            Cmd.must(20, "ip", "link", "set", host, "up");
            Cmd.must(20, "ip", "-n", ns, "link", "set", peer, "name", "eth0");
            Cmd.must(20, "ip", "-n", ns, "link", "set", "eth0", "address", mac);
            Cmd.must(20, "ip", "-n", ns, "addr", "add", layout.subnet() + "." + (10 + i) + "/24", "dev",
                    "eth0");
            Cmd.must(20, "ip", "-n", ns, "link", "set", "eth0", "up");
            Cmd.must(20, "ip", "-n", ns, "link", "set", "lo", "up");
            Path cpuinfo = work.resolve("cpuinfo-" + i);
            Files.writeString(cpuinfo, "processor\t: 0\nHardware\t: BCM2835\nRevision\t: d04170\nSerial\t\t: "
                    + serial + "\nModel\t\t: Raspberry Pi 5 Model B Rev 1.0\n");
            Path card = work.resolve("card-" + i + ".img");
            Files.deleteIfExists(card);
            try (RandomAccessFile f = new RandomAccessFile(card.toFile(), "rw")) {
                f.setLength(layout.cardBytes()); // sparse, like a blank card of more than the image
            }
            Cmd.Result loop = Cmd.run(20, "losetup", "-f", "--show", card.toString());
            String device = loop.ok() && loop.output().strip().startsWith("/dev/loop") ? loop.output().strip() : null;
            if (device != null) {
                attached.add(device);
            }
            Board b = new Board(i, i - first < plan, ns, mac, serial, cpuinfo, card, device,
                    work.resolve("board-" + i + ".log"));
            made.add(b);
            boards.add(b);
        }
        return made;
    }

    /**
     * Powers the batch on, each board against {@code url} (the plan's with {@code --server url}, ours likewise);
     * {@code during} (may be null) runs beside it; {@code server} (may be null: another server) is watched through
     * its /api/downloads. With {@code mustSucceed} every board must exit 0. Bounded by the layout's batch limit:
     * boards still running then are killed and the batch fails.
     */
    public Batch run(String url, Server server, List<Board> batch, Path script, Path shims, Path installerJar,
                     Runnable during, boolean mustSucceed) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger maxStreaming = new AtomicInteger();
        Set<String> waited = ConcurrentHashMap.newKeySet();
        AtomicLong longestWait = new AtomicLong();
        Thread watcher = new Thread(() -> {
            while (server != null && !done.get()) { // bounded by the batch's own limit below
                try {
                    JsonObject q = Server.json(server.get("/api/downloads", true).body());
                    maxStreaming.accumulateAndGet(q.getJsonArray("streaming").size(), Math::max);
                    for (JsonValue w : q.getJsonArray("waiting")) {
                        waited.add(w.asJsonObject().getString("client"));
                        long since = Instant.parse(w.asJsonObject().getString("since")).toEpochMilli();
                        longestWait.accumulateAndGet(System.currentTimeMillis() - since, Math::max);
                    }
                    Thread.sleep(250);
                } catch (InterruptedException stop) {
                    return;
                } catch (IOException | RuntimeException notNow) {
                    // the next poll
                }
            }
        });
        watcher.start();
        long start = System.nanoTime();
        Map<Board, Process> running = new HashMap<>();
        Map<Board, Long> ended = new ConcurrentHashMap<>();
        for (Board b : batch) {
            List<String> board = b.plan()
                    // a mount namespace of its own: its /proc/cpuinfo says its serial; the shims come first
                    ? List.of("ip", "netns", "exec", b.ns(), "unshare", "-m", "sh", "-c",
                    "mount --bind \"$0\" /proc/cpuinfo && PATH=\"$1:$PATH\" exec /usr/bin/python3 \"$2\""
                            + " --server \"$3\" --product " + layout.product() + " --venue " + layout.venue()
                            + " --device \"$4\"",
                    b.cpuinfo().toString(), shims.toString(), script.toString(), url, b.device())
                    : List.of("ip", "netns", "exec", b.ns(), java, "-Xmx192m", "-jar", installerJar.toString(),
                    "--server", url, "--product", layout.product(), "--venue", layout.venue(), "--device",
                    b.device(), "--cpuinfo", b.cpuinfo().toString(), "--customize", "none", "--no-reboot",
                    "--verify", "full");
            List<String> command = new ArrayList<>(board.subList(0, 4)); // ip netns exec <ns>
            if (boardNice > 0) {
                command.addAll(List.of("nice", "-n", Integer.toString(boardNice)));
            }
            command.addAll(board.subList(4, board.size()));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(b.log().toFile()).start();
            p.onExit().thenRun(() -> ended.put(b, System.nanoTime()));
            running.put(b, p);
        }
        List<Double> times = new ArrayList<>();
        Map<Integer, Integer> exits = new HashMap<>();
        Thread beside = during == null ? null : new Thread(during, "during-batch");
        if (beside != null) {
            beside.start();
        }
        long deadline = start + layout.batchLimit().toNanos();
        try {
            for (Board b : batch) {
                Process p = running.get(b);
                if (!p.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    running.values().forEach(q -> {
                        q.descendants().forEach(ProcessHandle::destroyForcibly);
                        q.destroyForcibly();
                    });
                    throw new AssertionError("board " + b.index() + " did not finish within " + layout.batchLimit()
                            + ":\n" + tail(b.log()));
                }
                p.onExit().get(10, TimeUnit.SECONDS);
                times.add(Math.round((ended.getOrDefault(b, System.nanoTime()) - start) / 1e8) / 10.0);
                exits.put(b.index(), p.exitValue());
                if (mustSucceed && p.exitValue() != 0) {
                    throw new AssertionError("board " + b.index() + (b.plan() ? " (plan's)" : " (ours)")
                            + " exited " + p.exitValue() + ":\n" + tail(b.log()));
                }
            }
        } finally {
            done.set(true);
            watcher.interrupt();
            watcher.join(5000);
            // a board that failed a batch that must succeed leaves the others running: none outlives the batch
            running.values().forEach(q -> {
                q.descendants().forEach(ProcessHandle::destroyForcibly);
                q.destroyForcibly();
            });
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (beside != null) {
            beside.join(60_000);
        }
        return new Batch(Math.round(seconds * 10) / 10.0, times, exits, maxStreaming.get(), waited.size(),
                longestWait.get() / 1000.0);
    }

    /**
     * What is wrong with the batch's cards, none when each holds {@code image} byte for byte (and each of the plan's
     * boards ran its script to the end).
     */
    public static List<String> cardProblems(List<Board> batch, Path image) throws IOException {
        List<String> problems = new ArrayList<>();
        for (Board b : batch) {
            if (b.plan()) {
                String log = Files.readString(b.log(), StandardCharsets.ISO_8859_1);
                if (!log.contains("=== Installation Successful ===") || !log.contains("reboot requested")) {
                    problems.add("the plan's script did not run to its end on board " + b.index() + ":\n"
                            + tail(b.log()));
                }
            }
            long at = firstDifference(b.cardFile(), image);
            if (at >= 0) {
                problems.add("board " + b.index() + (b.plan() ? " (plan's)" : " (ours)")
                        + ": card differs from the image at byte " + at + " (" + b.device() + ")");
            }
        }
        return problems;
    }

    /** -1 when {@code card} starts with every byte of {@code image}, else the offset of the first difference. */
    public static long firstDifference(Path card, Path image) throws IOException {
        try (InputStream c = Files.newInputStream(card); InputStream i = Files.newInputStream(image)) {
            byte[] a = new byte[1 << 20];
            byte[] b = new byte[1 << 20];
            long offset = 0;
            while (true) {
                int n = i.readNBytes(b, 0, b.length);
                if (n == 0) {
                    return -1;
                }
                int m = c.readNBytes(a, 0, n);
                int mismatch = Arrays.mismatch(a, 0, m, b, 0, n);
                if (mismatch >= 0) {
                    return offset + mismatch;
                }
                offset += n;
            }
        }
    }

    /**
     * What is wrong with the server's records of the batch: each board's newest deployment must be {@code success}
     * from its MAC, under a hostname no other board of {@code hostnames} holds (the set is added to).
     */
    public List<String> recordProblems(Server server, List<Board> batch, Set<String> hostnames) throws Exception {
        List<String> problems = new ArrayList<>();
        var page = server.get("/api/deployments?venue_code=" + layout.venue() + "&limit=1000", true);
        if (page.statusCode() != 200) {
            return List.of("GET /api/deployments: " + page.statusCode() + " " + page.body());
        }
        Map<String, JsonObject> latest = new HashMap<>();
        for (JsonValue v : Server.json(page.body()).getJsonArray("deployments")) { // newest first
            JsonObject d = v.asJsonObject();
            if (!d.isNull("serial_number")) {
                latest.putIfAbsent(d.getString("serial_number"), d);
            }
        }
        for (Board b : batch) {
            JsonObject d = latest.get(b.serial());
            if (d == null) {
                problems.add("no deployment of board " + b.index() + " (" + b.serial() + ")");
            } else if (!"success".equals(d.getString("status")) || !b.mac().equals(d.getString("mac_address"))) {
                problems.add("board " + b.index() + ": " + d);
            } else if (!hostnames.add(d.getString("hostname"))) {
                problems.add("hostname " + d.getString("hostname") + " given twice");
            }
        }
        return problems;
    }

    /** Detaches the batch's loop devices (each once: a later batch may have been given the same one). */
    public void detach(List<Board> batch) {
        for (Board b : batch) {
            if (b.loop() != null && attached.remove(b.loop())) {
                Cmd.run(20, "losetup", "-d", b.loop());
            }
        }
    }

    /** Detaches and deletes the batch's cards (a benchmark's cards are large). */
    public void discard(List<Board> batch) throws IOException {
        detach(batch);
        for (Board b : batch) {
            Files.deleteIfExists(b.cardFile());
        }
    }

    /** Removes every namespace and link this lab may have made. */
    public void removeNetwork() {
        for (int i = 0; i <= Math.max(highest, 31); i++) {
            Cmd.run(10, "ip", "netns", "del", layout.ns(i));
            Cmd.run(10, "ip", "link", "del", layout.hostLink(i));
        }
        Cmd.run(10, "ip", "link", "del", layout.bridge());
    }

    @Override
    public void close() {
        for (String loop : attached) {
            Cmd.run(20, "losetup", "-d", loop);
        }
        attached.clear();
        removeNetwork();
    }

    /** The distribution's server with these settings over the usual ones (the bench has no rpideploy.dist). */
    public static Server startServer(Path dist, Path home, int managementPort, int deploymentPort, String password,
                                     Path log, Map<String, String> settings) throws IOException {
        System.setProperty("rpideploy.dist", dist.toString());
        return Server.start(home, managementPort, deploymentPort, password, log, settings);
    }

    /** The server's process id (for a benchmark's CPU and memory figures). */
    public static long pid(Server server) {
        return server.pid();
    }

    /** The pi_installer.py block that follows "Create `.../pi_installer.py`:" in the plan, byte for byte. */
    public static Path extractInstaller(Path plan, Path target) throws IOException {
        String source = block(plan, "scripts/pi_installer.py`:", "python");
        if (!source.contains("class PiInstaller") || !source.contains("timeout=30")) {
            throw new IllegalStateException("not the plan's installer: " + plan);
        }
        Files.writeString(target, source, StandardCharsets.UTF_8);
        return target;
    }

    /**
     * The first {@code language} code block after the first occurrence of {@code marker} in the plan, byte for byte.
     */
    public static String block(Path plan, String marker, String language) throws IOException {
        String text = Files.readString(plan, StandardCharsets.UTF_8);
        int at = text.indexOf(marker);
        Matcher block = Pattern.compile("```" + language + "\\n(.*?)\\n```", Pattern.DOTALL).matcher(text);
        if (at < 0 || !block.find(at)) {
            throw new IllegalStateException("the plan has no block after " + marker);
        }
        return block.group(1) + "\n";
    }

    /**
     * What the plan's script calls that a namespace on a PC does not have as a Pi does, put first on its PATH:
     * {@code reboot} (it reboots at the end: here it only says so), and {@code blockdev} for a card that is a plain
     * file (its {@code verify_sd_card} runs {@code blockdev --getsize64}; a loop device goes to the real one).
     * {@code /proc/cpuinfo} (its serial) is bind-mounted per board in a mount namespace of its own; {@code ip link}
     * shows the board's eth0 by itself, since the board has its network namespace. Its customization mounts
     * {@code <device>p1}, which does not exist (the test image has no partition table): the script logs
     * "Customization failed" as a warning and goes on, and the card stays byte for byte the image.
     */
    public static Path shims(Path dir) throws IOException {
        Files.createDirectories(dir);
        executable(dir.resolve("reboot"), "#!/bin/sh\necho 'reboot requested (shim)'\n");
        executable(dir.resolve("blockdev"), "#!/bin/sh\nfor last in \"$@\"; do :; done\n"
                + "if [ -f \"$last\" ]; then stat -c %s \"$last\"; else exec /usr/sbin/blockdev \"$@\"; fi\n");
        return dir;
    }

    static void executable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /**
     * An image of {@code mib} MiB: an MBR (a FAT32 and a Linux partition; the server refuses files that are no disk),
     * then 1 MiB of noise in every 4 MiB from the second MiB on, zeros elsewhere.
     */
    public static Path image(Path target, int mib) throws IOException {
        Random random = new Random(31);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(target)) {
            for (int m = 0; m < mib; m++) {
                Arrays.fill(chunk, (byte) 0);
                if (m == 0) {
                    chunk[446 + 4] = 0x0c;
                    chunk[446 + 16 + 4] = (byte) 0x83;
                    chunk[510] = 0x55;
                    chunk[511] = (byte) 0xaa;
                } else if (m % 4 == 1) {
                    random.nextBytes(chunk);
                }
                out.write(chunk);
            }
        }
        return target;
    }

    public static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    public static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
