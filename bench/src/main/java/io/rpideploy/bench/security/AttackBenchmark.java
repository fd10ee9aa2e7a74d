package io.rpideploy.bench.security;

import static io.rpideploy.bench.server.BenchSupport.deleteTree;
import static io.rpideploy.bench.server.BenchSupport.loadAverage;
import static io.rpideploy.bench.server.BenchSupport.randomHex;
import static io.rpideploy.bench.server.BenchSupport.required;
import static io.rpideploy.bench.server.BenchSupport.requireFile;
import static io.rpideploy.bench.server.BenchSupport.runMain;

import io.rpideploy.bench.server.ServerProcess;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The attacks on availability of issue 15, run against the built distribution (not a test): what a legitimate
 * client sees ({@code /health} on both listeners, a board's {@code POST /api/config}, a console page with a
 * logged-in session) in an idle run, then while an attack runs for a bounded time, for each attack in turn; a table
 * of idle against under-attack latency with the verdict on the target: under attack, each probe's p95 stays within
 * 5x its p95 in the idle run just before and under 1 s, with no probe failing. Fails only when the server does not
 * start or the set-up is refused; a target not met is printed, not thrown.
 *
 * <p>Probes come from 127.0.0.2, attackers from 127.0.0.1, to the management listener on 127.0.0.1. The deployment
 * listener is on a network of the bench's own (a bridge without ports, {@code bench.network}.0/24, run as root): it
 * listens on .1, the attacker comes from .2, the probes from .3 and each probe's new board from one of .100-.199,
 * as on the boards' network, where nobody is on the server's own host (loopback is exempt from the per-address
 * limits). A board or an operator is never on the attacker's address, and a per-address limit must be able to tell
 * them apart. Without root the deployment listener stays on loopback and the report says so. The password
 * guessing runs last, since it may lock the admin account the other attacks use. Attack 7c is 7's burst of hostname
 * assignments without the stalled watcher: what the burst alone costs the probes.
 *
 * <p>Run from the repository root: {@code mvn -B -Pbenchmark verify
 * -Dbench.main=io.rpideploy.bench.security.AttackBenchmark}; {@code -Dbench.attackSeconds=5 -Dbench.idleSamples=20
 * -Dbench.warmupSamples=20} for a quick try, {@code -Dbench.attacks=1,3} for some of the attacks.
 */
public final class AttackBenchmark {

    private static final double TARGET_RATIO = 5;
    private static final double TARGET_MILLIS = 1000;
    private static final int PROBE_TIMEOUT_MILLIS = 5000;

    private final Path dist = Path.of(required("bench.dist")).toAbsolutePath().normalize();
    private final Path out = Path.of(System.getProperty("bench.workDir", "target/benchmark")).toAbsolutePath();
    private final int portBase = Integer.getInteger("bench.portBase", 17400);
    private final int management = portBase;
    private final int deployment = portBase + 1;
    private final int warmupSamples = Integer.getInteger("bench.warmupSamples", 150);
    private final int idleSamples = Integer.getInteger("bench.idleSamples", 60);
    private final int attackSeconds = Integer.getInteger("bench.attackSeconds", 20);
    private final int rampSeconds = Integer.getInteger("bench.rampSeconds", 3);
    private final int recoverySeconds = Integer.getInteger("bench.recoverySeconds", 60);
    private final long imageBytes = Long.getLong("bench.imageMiB", 64) << 20;
    private final String attackList = System.getProperty("bench.attacks", "1,2,3,4,5,7c,7,6");
    private final int startTimeoutSeconds = Integer.getInteger("bench.startTimeoutSeconds", 300);
    private final InetAddress probeAddress = address(System.getProperty("bench.probeAddress", "127.0.0.2"));
    private final InetAddress attackerAddress = address(System.getProperty("bench.attackerAddress", "127.0.0.1"));
    private final String network = System.getProperty("bench.network", "10.77.61");
    private static final String LINK = "rpatk0";
    private final List<InetAddress> boardAddresses = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger nextBoard = new java.util.concurrent.atomic.AtomicInteger();

    private final StringBuilder report = new StringBuilder();
    private final Supplier<String> serials = Attacks.serials("a77ac000");
    private Path tmp;
    private String authorization;
    private String consoleCookie;
    private String imagePath;
    private String loginHiddenField;
    private ServerProcess server;

    public static void main(String[] args) {
        AttackBenchmark benchmark = new AttackBenchmark();
        runMain(benchmark::run, () -> {
            removeLink();
            deleteTree(benchmark.tmp);
        });
    }

    private void run() throws Exception {
        requireFile(dist.resolve("bin/rpideploy"));
        Files.createDirectories(out.resolve("logs"));
        tmp = Files.createTempDirectory(out, "attack-bench-");
        Path home = tmp.resolve("home");
        Path importDir = home.resolve("images/import");
        Files.createDirectories(importDir);
        String adminPassword = randomHex(16); // given only to the server started here; never printed
        authorization = "Basic " + Base64.getEncoder().encodeToString(("admin:" + adminPassword)
                .getBytes(StandardCharsets.UTF_8));

        line("rpi-deploy attacks on availability (issue 15), %s", LocalDateTime.now()
                .format(DateTimeFormatter.ISO_LOCAL_DATE_TIME).substring(0, 19));
        line("  distribution %s; java %s, %d cores, load average at start %s; logs in %s", dist,
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), loadAverage(),
                out.resolve("logs"));
        String filename = "attack-rxp2.img";
        writeImage(importDir.resolve(filename));

        Map<String, String> env = new LinkedHashMap<>();
        env.put("RPIDEPLOY_HOME", home.toString());
        env.put("RPIDEPLOY_MANAGEMENT_ADDRESS", "127.0.0.1");
        env.put("RPIDEPLOY_MANAGEMENT_PORT", Integer.toString(management));
        String deploymentAddress = deploymentNetwork() ? network + ".1" : "127.0.0.1";
        env.put("RPIDEPLOY_DEPLOYMENT_ADDRESS", deploymentAddress);
        env.put("RPIDEPLOY_DEPLOYMENT_PORT", Integer.toString(deployment));
        env.put("RPIDEPLOY_ADMIN_PASSWORD", adminPassword);
        env.put("RPIDEPLOY_BOOT_ENV_INSTALLER_BUILD", "never"); // no Debian downloads in a benchmark
        env.put("JAVA_HOME", System.getProperty("java.home"));
        server = ServerProcess.start("rpi-deploy", List.of(dist.resolve("bin/rpideploy").toString()), env,
                out.resolve("logs/attack-rpideploy.log"), management, deployment);
        double startSeconds = server.awaitOk(URI.create("http://127.0.0.1:" + management + "/health"),
                Duration.ofSeconds(startTimeoutSeconds));
        line("  rpi-deploy up in %.1f s on %d (management) / %d (deployment), default settings (heap 512 MiB, "
                + "128 request threads, 10 download slots); idle RSS %.0f MiB", startSeconds, management, deployment,
                server.rssKiB() / 1024.0);
        setUp(filename);
        Attack.Target target = new Attack.Target(attackerAddress, management, deployment, imagePath, authorization,
                "ATCK", serials);

        List<Probes.Probe> probes = probes();
        line("  management listener: probes from %s, attackers from %s (deployment listener: as above); each probe "
                + "one request after another, %d ms apart, timeout %d s:", probeAddress.getHostAddress(),
                attackerAddress.getHostAddress(), Probes.PAUSE_MILLIS, PROBE_TIMEOUT_MILLIS / 1000);
        line("    /health on both listeners; POST /api/config of a new RXP2 board (distinct serials) on the "
                + "deployment listener; GET /venues/index.xhtml with the admin's console session");
        line("  each attack: %d s to set up, then %d s measured while it runs; then it is stopped and the server "
                + "given up to %d s to answer every probe in under 1 s again", rampSeconds, attackSeconds,
                recoverySeconds);
        line("  target under each attack: every probe's p95 <= %.0fx its p95 in an idle run just before the attack "
                + "and < %.0f ms, none failing", TARGET_RATIO, TARGET_MILLIS);
        line("");

        // the JIT and the database warm first; then each attack is compared with an idle run just before it, so a
        // change in the machine's other load between attacks does not count for or against an attack
        Probes.run(probes, Duration.ofSeconds(90), warmupSamples);
        List<String> rows = new ArrayList<>();
        int met = 0;
        int total = 0;
        for (String id : attackList.split(",")) {
            Attack attack = attack(id.trim(), target);
            line("Attack %s", attack.name);
            Map<String, Probes.Stats> idle = Probes.run(probes, Duration.ofSeconds(90), idleSamples);
            line("  idle just before (%d samples each): %s", idleSamples, String.join("; ", idle.values().stream()
                    .map(s -> String.format("%s %.1f / %.1f ms%s", s.name(), s.medianMillis(), s.p95Millis(),
                            s.failures() == 0 ? "" : " (" + s.failures() + " failed)")).toList()));
            long rss0 = server.rssKiB();
            long hardDeadline = System.nanoTime() + Duration.ofSeconds(rampSeconds + attackSeconds + 60).toNanos();
            Map<String, Probes.Stats> under;
            String observed;
            try {
                attack.begin(hardDeadline);
                Thread.sleep(rampSeconds * 1000L);
                under = Probes.run(probes, Duration.ofSeconds(attackSeconds), 10_000);
                observed = attack.observe();
            } finally {
                attack.close();
            }
            line("  %s", attack.stats());
            if (!observed.isEmpty()) {
                line("  while it ran: %s", observed);
            }
            line("  server RSS %.0f MiB before, %.0f MiB after; %s", rss0 / 1024.0,
                    server.isAlive() ? server.rssKiB() / 1024.0 : Double.NaN, recover(probes));
            for (Probes.Stats s : under.values()) {
                Probes.Stats base = idle.get(s.name());
                double ratio = s.p95Millis() / base.p95Millis();
                boolean ok = s.failures() == 0 && ratio <= TARGET_RATIO && s.p95Millis() < TARGET_MILLIS;
                total++;
                met += ok ? 1 : 0;
                String row = String.format("| %s | %s | %.1f / %.1f | %.1f / %.1f | %d (%d failed) | %.1fx | %s |",
                        attack.name, s.name(), base.medianMillis(), base.p95Millis(), s.medianMillis(),
                        s.p95Millis(), s.count(), s.failures(), ratio, ok ? "met" : "NOT MET");
                rows.add(row);
                line("  %-18s p50 %7.1f ms  p95 %7.1f ms  (%d samples, %d failed) p95 ratio %6.1fx  %s%s",
                        s.name(), s.medianMillis(), s.p95Millis(), s.count(), s.failures(), ratio,
                        ok ? "met" : "NOT MET", s.reasons().isEmpty() ? "" : " " + s.reasons());
            }
            line("");
            if (!server.isAlive()) {
                line("  the server has exited: no further attacks");
                break;
            }
        }
        line("Summary (ms, p50 / p95; verdict: p95 <= %.0fx the idle p95 before it and < %.0f ms, no failures)",
                TARGET_RATIO, TARGET_MILLIS);
        line("| Attack | Probe | Idle | Under attack | Samples | p95 ratio | Verdict |");
        line("|---|---|---|---|---|---|---|");
        rows.forEach(r -> line("%s", r));
        line("%d of %d probe-attack pairs met the target; load average at end %s", met, total, loadAverage());
        Files.writeString(out.resolve("attack-report.txt"), report.toString(), StandardCharsets.UTF_8);
        System.out.println("(report also in " + out.resolve("attack-report.txt") + ")");
    }

    private Attack attack(String id, Attack.Target target) {
        return switch (id) {
            case "1" -> new Attacks.LoginPageFlood(target, Integer.getInteger("bench.floodClients", 4),
                    Integer.getInteger("bench.floodMax", 100_000));
            case "2" -> new Attacks.SlowBodies(target, Integer.getInteger("bench.slowConnections", 300),
                    Long.getLong("bench.slowIntervalMillis", 5000));
            case "3" -> new Attacks.StalledDownloads(target, Integer.getInteger("bench.stalledClients", 10),
                    64 * 1024);
            case "4" -> new Attacks.PlainDownloads(target, Integer.getInteger("bench.downloadClients", 200),
                    (long) (Double.parseDouble(System.getProperty("bench.downloadMBps", "12.5")) * 1e6),
                    Integer.getInteger("bench.downloadMax", 2000));
            case "5" -> new Attacks.HugeBodies(target, Integer.getInteger("bench.hugeSenders", 4),
                    Integer.getInteger("bench.hugeBodiesPerSender", 25),
                    Long.getLong("bench.hugeBodyMB", 100) * 1_000_000);
            case "6" -> new Attacks.PasswordGuessing(target, Integer.getInteger("bench.guessClients", 4),
                    Integer.getInteger("bench.guessMax", 100_000), loginHiddenField);
            case "7", "7c" -> new Attacks.StalledWatcher(target, id.equals("7c") ? 0
                    : Integer.getInteger("bench.liveWatchers", 1),
                    Integer.getInteger("bench.burstClients", 16),
                    Double.parseDouble(System.getProperty("bench.burstRate", "0")),
                    Integer.getInteger("bench.burstMax", 20_000));
            default -> throw new IllegalArgumentException("bench.attacks: unknown attack " + id + " (1-7, 7c)");
        };
    }

    // ---------------------------------------------------------------- probes

    private List<Probes.Probe> probes() {
        List<Probes.Probe> probes = new ArrayList<>();
        probes.add(probe("/health management", () -> expect(get(management, "/health", Map.of()), 200, null)));
        probes.add(probe("/health deployment", () -> expect(get(deployment, "/health", Map.of()), 200, null)));
        probes.add(probe("/api/config", () -> expect(config(nextBoard()), 200, "\"hostname\"")));
        probes.add(probe("console page", () -> expect(get(management, "/venues/index.xhtml",
                Map.of("Cookie", consoleCookie)), 200, "class=\"topbar\"")));
        return probes;
    }

    private interface Call {
        void call() throws Exception;
    }

    private static Probes.Probe probe(String name, Call call) {
        return new Probes.Probe() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void call() throws Exception {
                call.call();
            }
        };
    }

    private Wire.Answer get(int port, String path, Map<String, String> headers) throws IOException {
        return Wire.exchange(probeAddress, port, Wire.request("GET", path, port, headers, null, true),
                PROBE_TIMEOUT_MILLIS);
    }

    private Wire.Answer config(InetAddress from) throws IOException {
        byte[] body = ("{\"product_type\":\"RXP2\",\"venue_code\":\"ATCK\",\"serial_number\":\"" + serials.get()
                + "\"}").getBytes(StandardCharsets.UTF_8);
        return Wire.exchange(from, deployment, Wire.request("POST", "/api/config", deployment,
                Map.of("Content-Type", "application/json"), body, true), PROBE_TIMEOUT_MILLIS);
    }

    private static Wire.Answer expect(Wire.Answer answer, int status, String contains) throws IOException {
        if (answer.status() != status) {
            throw new IOException("status " + answer.status());
        }
        if (contains != null && !answer.text().contains(contains)) {
            throw new IOException("answer without " + contains);
        }
        return answer;
    }

    /** Polls until /health on both listeners and /api/config each answer in under 1 s; how long that took. */
    private String recover(List<Probes.Probe> probes) {
        long t0 = System.nanoTime();
        long deadline = t0 + Duration.ofSeconds(recoverySeconds).toNanos();
        String last = "";
        while (System.nanoTime() < deadline && server.isAlive()) {
            boolean all = true;
            for (Probes.Probe probe : probes) {
                long p0 = System.nanoTime();
                try {
                    probe.call();
                    if (System.nanoTime() - p0 > 1_000_000_000L) {
                        all = false;
                        last = probe.name() + " took " + (System.nanoTime() - p0) / 1_000_000 + " ms";
                    }
                } catch (Exception e) {
                    all = false;
                    last = probe.name() + ": " + Probes.reason(e);
                }
            }
            if (all) {
                return String.format("every probe under 1 s again %.1f s after the attack stopped",
                        (System.nanoTime() - t0) / 1e9);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return "NOT recovered within " + recoverySeconds + " s after the attack stopped (" + last + ")";
    }

    // ---------------------------------------------------------------- set-up

    /** The image registered, its product activated, a venue, a console session; fails if any is refused. */
    private void setUp(String filename) throws Exception {
        JsonObject imported = json(admin("POST", "/api/images/import", "{\"filename\":\"" + filename
                + "\",\"product_type\":\"RXP2\",\"version\":\"attack-1\"}", 201)).getJsonObject("image");
        imagePath = "/images/" + imported.getString("filename");
        admin("POST", "/api/images/" + imported.getJsonNumber("id").longValue() + "/activate", "", 200);
        admin("POST", "/api/venues", "{\"code\":\"ATCK\",\"name\":\"Attack bench\"}", 201);
        expect(config(nextBoard()), 200, "\"hostname\"");
        consoleCookie = login();
        expect(get(management, "/venues/index.xhtml", Map.of("Cookie", consoleCookie)), 200, "class=\"topbar\"");
        line("  set-up: RXP2 image of %d MiB (an MBR and random bytes) imported and activated as %s; venue ATCK; "
                + "admin logged in to the console", imageBytes >> 20, imagePath);
    }

    private String admin(String method, String path, String json, int expected) throws IOException {
        Wire.Answer answer = Wire.exchange(attackerAddress, management, Wire.request(method, path, management,
                Map.of("Authorization", authorization, "Content-Type", "application/json"),
                json.getBytes(StandardCharsets.UTF_8), true), 600_000);
        if (answer.status() != expected) {
            throw new IllegalStateException(method + " " + path + ": expected " + expected + ", got "
                    + answer.status() + " " + Wire.shorten(answer.text()));
        }
        return answer.text();
    }

    /** The console's form login (as SecurityIT does it): the session cookie. */
    private String login() throws IOException {
        Wire.Answer form = get(management, "/login.xhtml", Map.of());
        Matcher hidden = Pattern.compile("name=\"(login:j_id[^\"]*)\"").matcher(form.text());
        loginHiddenField = hidden.find() ? hidden.group(1) : null;
        String body = "login=login&login%3Ausername=admin&login%3Apassword="
                + URLEncoder.encode(authorizationPassword(), StandardCharsets.UTF_8) + "&login%3Asubmit="
                + (loginHiddenField == null ? "" : "&" + URLEncoder.encode(loginHiddenField, StandardCharsets.UTF_8)
                + "=") + "&jakarta.faces.ViewState=stateless";
        Wire.Answer answer = Wire.exchange(probeAddress, management, Wire.request("POST", "/login.xhtml", management,
                Map.of("Content-Type", "application/x-www-form-urlencoded"), body.getBytes(StandardCharsets.UTF_8),
                true), 30_000);
        String cookie = answer.headers().stream().filter(h -> h.toLowerCase().startsWith("set-cookie:"))
                .map(h -> h.substring("set-cookie:".length()).trim()).filter(c -> c.startsWith("JSESSIONID="))
                .findFirst().orElseThrow(() -> new IllegalStateException("console login answered "
                        + answer.status() + " without a session"));
        return cookie.substring(0, cookie.indexOf(';') < 0 ? cookie.length() : cookie.indexOf(';'));
    }

    private String authorizationPassword() {
        String decoded = new String(Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8);
        return decoded.substring(decoded.indexOf(':') + 1);
    }

    /** A disk image as far as a check for a partition table goes: an MBR with one FAT32 partition, then noise. */
    private void writeImage(Path file) throws IOException {
        byte[] block = new byte[1 << 20];
        SecureRandom random = new SecureRandom();
        try (OutputStream stream = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
            for (long at = 0; at < imageBytes; at += block.length) {
                random.nextBytes(block);
                if (at == 0) {
                    java.util.Arrays.fill(block, 0, 512, (byte) 0);
                    int entry = 446; // the first partition entry
                    block[entry + 4] = 0x0c; // FAT32 (LBA)
                    putLe32(block, entry + 8, 2048); // first sector
                    putLe32(block, entry + 12, (int) (imageBytes / 512 - 2048)); // sectors
                    block[510] = 0x55;
                    block[511] = (byte) 0xaa;
                }
                stream.write(block, 0, (int) Math.min(block.length, imageBytes - at));
            }
        }
    }

    private static void putLe32(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    private static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    /**
     * The deployment listener's network: a bridge without ports with the server's, the attacker's, the probes' and
     * 100 boards' addresses (traffic between them stays on this host). False without root: all stays on loopback.
     */
    private boolean deploymentNetwork() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            line("  not root: the deployment listener stays on loopback, where per-address limits do not apply");
            return false;
        }
        removeLink();
        Process show = new ProcessBuilder("ip", "-o", "-4", "addr", "show").redirectErrorStream(true).start();
        String inUse = new String(show.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        show.waitFor();
        if (inUse.contains(" " + network + ".")) { // never beside a network this host really has
            throw new IllegalStateException(network + ".0/24 is already on this host (-Dbench.network=...): " + inUse);
        }
        StringBuilder batch = new StringBuilder("link add " + LINK + " type bridge\n");
        for (int host : new int[] {1, 2, 3}) {
            batch.append("addr add ").append(network).append('.').append(host).append("/24 dev ").append(LINK)
                    .append('\n');
        }
        for (int host = 100; host < 200; host++) {
            batch.append("addr add ").append(network).append('.').append(host).append("/24 dev ").append(LINK)
                    .append('\n');
            boardAddresses.add(InetAddress.getByName(network + "." + host));
        }
        batch.append("link set ").append(LINK).append(" up\n");
        Process ip = new ProcessBuilder("ip", "-batch", "-").redirectErrorStream(true).start();
        ip.getOutputStream().write(batch.toString().getBytes(StandardCharsets.US_ASCII));
        ip.getOutputStream().close();
        String output = new String(ip.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (ip.waitFor() != 0) {
            throw new IllegalStateException("ip -batch: " + output);
        }
        Wire.network(deployment, InetAddress.getByName(network + ".1"), Map.of(
                attackerAddress, InetAddress.getByName(network + ".2"),
                probeAddress, InetAddress.getByName(network + ".3")));
        line("  deployment listener on %s.1 (link %s): attacker %s.2, probes %s.3, new boards %s.100-199", network,
                LINK, network, network, network);
        return true;
    }

    /** Each /api/config probe is a new board with an address of its own (boards do one each), or the probes'. */
    private InetAddress nextBoard() {
        if (boardAddresses.isEmpty()) {
            return probeAddress;
        }
        return boardAddresses.get(nextBoard.getAndIncrement() % boardAddresses.size());
    }

    private static void removeLink() {
        try {
            new ProcessBuilder("ip", "link", "del", LINK).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (IOException e) {
            // no ip: nothing was made
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static InetAddress address(String text) {
        try {
            InetAddress a = InetAddress.getByName(text);
            if (!a.isLoopbackAddress()) {
                throw new IllegalArgumentException(text + " is not a loopback address: traffic stays on loopback");
            }
            return a;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private void line(String format, Object... args) {
        String text = args.length == 0 ? format : String.format(format, args);
        report.append(text).append('\n');
        System.out.println(text);
    }
}
