package io.rpideploy.bench.security;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** The attacks of issue 15 on availability, each as an attacker on loopback would run it. */
final class Attacks {

    private Attacks() {
    }

    private static String histogram(Map<?, Integer> counts) {
        return counts.isEmpty() ? "{}" : new TreeMap<>(counts).toString();
    }

    private static double percentile(long[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    // ---------------------------------------------------------------- 1

    /** Anonymous {@code GET /login.xhtml} as fast as a few keep-alive clients can: the heap-exhaustion probe. */
    static final class LoginPageFlood extends Attack {
        private final int clients;
        private final int maxRequests;
        private final AtomicInteger sent = new AtomicInteger();
        private final AtomicInteger cookies = new AtomicInteger();
        private final Map<Integer, Integer> statuses = new ConcurrentHashMap<>();

        LoginPageFlood(Target target, int clients, int maxRequests) {
            super("1 login-page flood", target);
            this.clients = clients;
            this.maxRequests = maxRequests;
        }

        @Override
        protected void start() {
            byte[] request = Wire.request("GET", "/login.xhtml", target.management(), Map.of(
                    "User-Agent", "attack-bench"), null, false);
            for (int c = 0; c < clients; c++) {
                spawn("flood-" + c, () -> {
                    try (Wire.Connection connection = new Wire.Connection(target.attacker(), target.management(),
                            10_000)) {
                        while (running() && sent.incrementAndGet() <= maxRequests) {
                            try {
                                Wire.Answer answer = connection.exchange(request);
                                statuses.merge(answer.status(), 1, Integer::sum);
                                if (answer.header("Set-Cookie") != null) {
                                    cookies.incrementAndGet();
                                }
                            } catch (IOException e) {
                                error(e);
                                pause(50);
                            }
                        }
                    }
                });
            }
        }

        @Override
        String stats() {
            int answered = statuses.values().stream().mapToInt(Integer::intValue).sum();
            return String.format("%d anonymous GET /login.xhtml from %d keep-alive clients in %.1f s (%.0f/s, "
                    + "bound %d); statuses %s; answers that set a cookie: %d; errors %s", answered, clients, seconds(),
                    answered / seconds(), maxRequests, histogram(statuses), cookies.get(), errors());
        }
    }

    // ---------------------------------------------------------------- 2

    /** Connections that send a request head, then its body at one byte per interval: threads held by slow bodies. */
    static final class SlowBodies extends Attack {
        private final int connections;
        private final long intervalMillis;
        private final List<Socket> open = new ArrayList<>();
        private int opened;
        private int refused;
        private long trickled;
        private int closedByServer;
        private int answeredByServer;

        SlowBodies(Target target, int connections, long intervalMillis) {
            super("2 slow request bodies", target);
            this.connections = connections;
            this.intervalMillis = intervalMillis;
        }

        @Override
        protected void start() {
            spawn("slow-bodies", this::attack);
        }

        private void attack() {
            String json = "{\"product_type\":\"RXP2\",\"venue_code\":\"" + target.venue() + "\",\"serial_number\":\"";
            byte[] body = (json + "0".repeat(300 - json.length())).getBytes(StandardCharsets.US_ASCII);
            byte[] head = ("POST /api/config HTTP/1.1\r\nHost: 127.0.0.1:" + target.deployment()
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < connections && running(); i++) {
                try {
                    Socket s = track(Wire.connect(target.attacker(), target.deployment(), 3000, 1000, 0));
                    s.getOutputStream().write(head);
                    synchronized (this) {
                        open.add(s);
                        opened++;
                    }
                } catch (IOException e) {
                    synchronized (this) {
                        refused++;
                    }
                    error(e);
                }
            }
            for (int sentBytes = 0; sentBytes < body.length && running(); sentBytes++) {
                pause(intervalMillis);
                if (!running()) {
                    break;
                }
                synchronized (this) {
                    for (var it = open.iterator(); it.hasNext();) {
                        Socket s = it.next();
                        try {
                            if (s.getInputStream().available() > 0) {
                                answeredByServer++; // an answer (a 408 or 400) before the body is complete
                                it.remove();
                                untrack(s);
                                continue;
                            }
                            s.getOutputStream().write(body[sentBytes]);
                            trickled++;
                        } catch (IOException e) {
                            closedByServer++;
                            it.remove();
                            untrack(s);
                        }
                    }
                }
            }
        }

        @Override
        synchronized String stats() {
            return String.format("%d of %d connections opened to POST /api/config (%d refused), each sending its "
                    + "300-byte body at 1 byte per %d s: %d bytes trickled in %.1f s; the server answered %d and "
                    + "closed %d of them meanwhile; errors %s", opened, connections, refused, intervalMillis / 1000,
                    trickled, seconds(), answeredByServer, closedByServer, errors());
        }
    }

    // ---------------------------------------------------------------- 3 and 4

    /** Looks at the download slots through the management API, as an operator would. */
    private static String downloadsView(Attack.Target target) {
        try {
            Wire.Answer answer = Wire.exchange(target.attacker(), target.management(), Wire.request("GET",
                    "/api/downloads", target.management(), Map.of("Authorization", target.adminAuthorization()),
                    null, true), 5000);
            String body = answer.text();
            int streaming = count(body.substring(0, Math.max(0, body.indexOf("\"waiting\""))), "\"client\"");
            int waiting = count(body.substring(Math.max(0, body.indexOf("\"waiting\""))), "\"client\"");
            return answer.status() == 200 ? String.format("/api/downloads: %d streaming, %d waiting", streaming,
                    waiting) : "/api/downloads answered " + answer.status();
        } catch (IOException e) {
            return "/api/downloads: " + Probes.reason(e);
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /** What an eleventh board that can wait is told: a slot, or its place in the queue. */
    private static String boardThatCanWait(Attack.Target target) {
        try (Socket s = Wire.connect(target.attacker(), target.deployment(), 3000, 5000, 0)) {
            s.getOutputStream().write(Wire.request("GET", target.imagePath(), target.deployment(), Map.of(
                    "X-RpiDeploy-Can-Wait", "1", "X-RpiDeploy-Client", "bench-board-that-can-wait"), null, true));
            Wire.Answer head = Wire.readHead(new BufferedInputStream(s.getInputStream()));
            String position = head.header("X-RpiDeploy-Queue-Position");
            return "a board that can wait: " + head.status() + (position == null ? "" : ", queue position "
                    + position);
        } catch (IOException e) {
            return "a board that can wait: " + Probes.reason(e);
        }
    }

    /** Clients that read the first 64 KiB of the image and then never read again. */
    static final class StalledDownloads extends Attack {
        private final int clients;
        private final int readBytes;
        private final AtomicInteger stalled = new AtomicInteger();
        private final Map<Integer, Integer> statuses = new ConcurrentHashMap<>();

        StalledDownloads(Target target, int clients, int readBytes) {
            super("3 stalled downloads", target);
            this.clients = clients;
            this.readBytes = readBytes;
        }

        @Override
        protected void start() {
            spawn("stalled-downloads", () -> {
                for (int c = 0; c < clients && running(); c++) {
                    try {
                        // a small receive window, so the server's writes stop soon after we stop reading
                        Socket s = track(Wire.connect(target.attacker(), target.deployment(), 3000, 10_000, 16_384));
                        s.getOutputStream().write(Wire.request("GET", target.imagePath(), target.deployment(),
                                Map.of("User-Agent", "attack-bench"), null, false));
                        InputStream in = s.getInputStream();
                        Wire.Answer head = Wire.readHead(new LimitedStream(in));
                        statuses.merge(head.status(), 1, Integer::sum);
                        byte[] buffer = new byte[8192];
                        int got = 0;
                        while (got < readBytes) {
                            int r = in.read(buffer, 0, Math.min(buffer.length, readBytes - got));
                            if (r < 0) {
                                break;
                            }
                            got += r;
                        }
                        if (got >= readBytes) {
                            stalled.incrementAndGet(); // and from here on, never read again
                        }
                    } catch (IOException e) {
                        error(e);
                    }
                }
            });
        }

        @Override
        String observe() {
            // a write timeout would have freed the slots by now
            return String.format("%.0f s after the attack began, ", seconds()) + downloadsView(target) + "; "
                    + boardThatCanWait(target);
        }

        @Override
        String stats() {
            return String.format("%d of %d clients read %d KiB of the image and stopped reading (statuses %s); "
                    + "errors %s", stalled.get(), clients, readBytes / 1024, histogram(statuses), errors());
        }
    }

    /**
     * Reads a head byte by byte from the raw stream (no buffering ahead), so the caller counts the body's bytes
     * itself.
     */
    private static final class LimitedStream extends InputStream {
        private final InputStream in;

        LimitedStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            return in.read();
        }
    }

    /** Many plain downloads (no header saying they can wait) started at once, each read at a board's pace. */
    static final class PlainDownloads extends Attack {
        private final int clients;
        private final long bytesPerSecond;
        private final int maxDownloads;
        private final AtomicInteger started = new AtomicInteger();
        private final AtomicInteger heads = new AtomicInteger();
        private final AtomicInteger completed = new AtomicInteger();
        private final AtomicLong bytes = new AtomicLong();
        private final List<Long> headWaits = java.util.Collections.synchronizedList(new ArrayList<>());
        private final Map<Integer, Integer> statuses = new ConcurrentHashMap<>();

        PlainDownloads(Target target, int clients, long bytesPerSecond, int maxDownloads) {
            super("4 plain downloads", target);
            this.clients = clients;
            this.bytesPerSecond = bytesPerSecond;
            this.maxDownloads = maxDownloads;
        }

        @Override
        protected void start() throws InterruptedException {
            CountDownLatch ready = new CountDownLatch(clients);
            CountDownLatch go = new CountDownLatch(1);
            byte[] request = Wire.request("GET", target.imagePath(), target.deployment(),
                    Map.of("User-Agent", "attack-bench"), null, true);
            for (int c = 0; c < clients; c++) {
                spawn("download-" + c, () -> {
                    ready.countDown();
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    while (running() && started.incrementAndGet() <= maxDownloads) {
                        download(request);
                    }
                });
            }
            ready.await();
            go.countDown(); // all at once
        }

        private void download(byte[] request) {
            Socket s = null;
            try {
                s = track(Wire.connect(target.attacker(), target.deployment(), 5000, 120_000, 0));
                long t0 = System.nanoTime();
                s.getOutputStream().write(request);
                InputStream in = s.getInputStream();
                Wire.Answer head = Wire.readHead(new LimitedStream(in));
                headWaits.add(System.nanoTime() - t0);
                heads.incrementAndGet();
                statuses.merge(head.status(), 1, Integer::sum);
                long length = head.header("Content-Length") == null ? Long.MAX_VALUE
                        : Long.parseLong(head.header("Content-Length"));
                byte[] buffer = new byte[64 * 1024];
                long got = 0;
                long bodyStart = System.nanoTime();
                while (got < length && running()) {
                    int r = in.read(buffer, 0, (int) Math.min(buffer.length, length - got));
                    if (r < 0) {
                        break;
                    }
                    got += r;
                    bytes.addAndGet(r);
                    // a board's pace: no faster than its link
                    long due = bodyStart + got * 1_000_000_000L / bytesPerSecond;
                    long ahead = due - System.nanoTime();
                    if (ahead > 1_000_000) {
                        pause(ahead / 1_000_000);
                    }
                }
                if (got == length) {
                    completed.incrementAndGet();
                }
            } catch (IOException e) {
                if (running()) {
                    error(e);
                }
            } finally {
                if (s != null) {
                    untrack(s);
                }
            }
        }

        @Override
        String observe() {
            return downloadsView(target);
        }

        @Override
        String stats() {
            long[] waits;
            synchronized (headWaits) {
                waits = headWaits.stream().mapToLong(Long::longValue).toArray();
            }
            return String.format("%d clients each read at %.1f MB/s; %d downloads started (bound %d), %d answered "
                    + "(statuses %s; wait for the answer's head: median %.1f s, max %.1f s), %d completed, %.0f MB "
                    + "read in %.1f s; errors %s", clients, bytesPerSecond / 1e6, Math.min(started.get(),
                    maxDownloads), maxDownloads, heads.get(), histogram(statuses), percentile(waits, 50) / 1e9,
                    percentile(waits, 100) / 1e9, completed.get(), bytes.get() / 1e6, seconds(), errors());
        }
    }

    // ---------------------------------------------------------------- 5

    /** 100 MB JSON bodies to {@code /api/config}: half declared with Content-Length, half chunked. */
    static final class HugeBodies extends Attack {
        private final int senders;
        private final int bodiesPerSender;
        private final long bodyBytes;
        private final Map<String, Integer> outcomes = new ConcurrentHashMap<>();
        /** The most bytes of one body sent before that outcome, by outcome. */
        private final Map<String, Long> mostSent = new ConcurrentHashMap<>();
        private final AtomicLong sentBytes = new AtomicLong();

        HugeBodies(Target target, int senders, int bodiesPerSender, long bodyBytes) {
            super("5 huge JSON bodies", target);
            this.senders = senders;
            this.bodiesPerSender = bodiesPerSender;
            this.bodyBytes = bodyBytes;
        }

        @Override
        protected void start() {
            for (int c = 0; c < senders; c++) {
                int sender = c;
                spawn("huge-body-" + c, () -> {
                    for (int b = 0; b < bodiesPerSender && running(); b++) {
                        send((sender + b) % 2 == 1);
                    }
                });
            }
        }

        private void send(boolean chunked) {
            String mode = chunked ? "chunked" : "content-length";
            Socket s = null;
            long written = 0;
            String outcome;
            try {
                s = track(Wire.connect(target.attacker(), target.deployment(), 5000, 10_000, 0));
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                out.write(("POST /api/config HTTP/1.1\r\nHost: 127.0.0.1:" + target.deployment()
                        + "\r\nContent-Type: application/json\r\n" + (chunked ? "Transfer-Encoding: chunked\r\n"
                        : "Content-Length: " + bodyBytes + "\r\n") + "\r\n").getBytes(StandardCharsets.US_ASCII));
                byte[] block = new byte[1024 * 1024];
                Arrays.fill(block, (byte) 'a');
                byte[] prefix = "{\"serial_number\":\"".getBytes(StandardCharsets.US_ASCII);
                boolean answered = false;
                try {
                    while (written < bodyBytes && running()) {
                        if (in.available() > 0) {
                            answered = true; // the server has answered before the body ended
                            break;
                        }
                        // the body: a JSON string that never ends, the first bytes opening it
                        byte[] data = written == 0 ? prefix : block;
                        int n = (int) Math.min(data.length, bodyBytes - written);
                        if (chunked) {
                            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        }
                        out.write(data, 0, n);
                        if (chunked) {
                            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                        }
                        written += n;
                        sentBytes.addAndGet(n);
                    }
                    if (!answered && chunked && written >= bodyBytes) {
                        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                } catch (IOException refusedMidway) {
                    // the server closed the connection while we were still sending: its answer may be there
                }
                if (stop.get()) {
                    throw new IOException("still sending when the attack ended");
                }
                try {
                    Wire.Answer head = Wire.readHead(new BufferedInputStream(in));
                    outcome = String.valueOf(head.status());
                } catch (SocketTimeoutException e) {
                    outcome = "no answer in 10 s";
                } catch (IOException e) {
                    outcome = "closed without an answer";
                }
            } catch (IOException e) {
                outcome = Probes.reason(e);
            } finally {
                if (s != null) {
                    untrack(s);
                }
            }
            outcomes.merge(mode + " " + outcome, 1, Integer::sum);
            mostSent.merge(mode + " " + outcome, written, Math::max);
        }

        @Override
        String stats() {
            return String.format("%d senders x up to %d bodies of %d MB (alternately Content-Length and chunked); "
                    + "%.0f MB sent in %.1f s; outcomes %s, at most %s MiB of one body sent before each",
                    senders, bodiesPerSender, bodyBytes / 1_000_000, sentBytes.get() / 1e6, seconds(),
                    histogram(outcomes), new TreeMap<>(mostSent).values().stream().map(b -> String.format("%.1f",
                            b / 1048576.0)).toList());
        }
    }

    // ---------------------------------------------------------------- 6

    /** Wrong passwords for the admin account as fast as possible, through the console's form and HTTP Basic. */
    static final class PasswordGuessing extends Attack {
        private final int clients;
        private final int maxGuesses;
        private final String loginHiddenField;
        private final AtomicInteger guesses = new AtomicInteger();
        private final Map<String, Integer> answers = new ConcurrentHashMap<>();
        private volatile double firstRefusalSeconds = Double.NaN;

        PasswordGuessing(Target target, int clients, int maxGuesses, String loginHiddenField) {
            super("6 password guessing", target);
            this.clients = clients;
            this.maxGuesses = maxGuesses;
            this.loginHiddenField = loginHiddenField;
        }

        @Override
        protected void start() {
            for (int c = 0; c < clients; c++) {
                boolean form = c % 2 == 0;
                spawn("guess-" + c, () -> {
                    try (Wire.Connection connection = new Wire.Connection(target.attacker(), target.management(),
                            10_000)) {
                        for (int g = guesses.incrementAndGet(); g <= maxGuesses && running();
                                g = guesses.incrementAndGet()) {
                            String wrongGuess = "guess-" + g; // never the admin's: each is refused
                            try {
                                Wire.Answer answer = connection.exchange(form ? formGuess(wrongGuess)
                                        : basicGuess(wrongGuess));
                                String kind = form ? "form " + answer.status() : "basic " + answer.status();
                                if (form && answer.text().contains("Too many failed logins")) {
                                    kind += " locked";
                                }
                                if (answer.status() == 429 || kind.endsWith("locked")) {
                                    if (Double.isNaN(firstRefusalSeconds)) {
                                        firstRefusalSeconds = seconds();
                                    }
                                }
                                answers.merge(kind, 1, Integer::sum);
                            } catch (IOException e) {
                                error(e);
                                pause(50);
                            }
                        }
                    }
                });
            }
        }

        private byte[] formGuess(String password) {
            String body = "login=login&login%3Ausername=admin&login%3Apassword="
                    + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&login%3Asubmit="
                    + (loginHiddenField == null ? "" : "&" + URLEncoder.encode(loginHiddenField,
                    StandardCharsets.UTF_8) + "=") + "&jakarta.faces.ViewState=stateless";
            return Wire.request("POST", "/login.xhtml", target.management(), Map.of("Content-Type",
                    "application/x-www-form-urlencoded"), body.getBytes(StandardCharsets.UTF_8), false);
        }

        private byte[] basicGuess(String password) {
            return Wire.request("GET", "/api/venues", target.management(), Map.of("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8))),
                    null, false);
        }

        @Override
        String stats() {
            int answered = answers.values().stream().mapToInt(Integer::intValue).sum();
            return String.format("%d wrong passwords for admin from %d keep-alive clients (half the console form, "
                    + "half HTTP Basic) in %.1f s (%.0f/s, bound %d); answers %s; first lockout answer after %s; "
                    + "errors %s", answered, clients, seconds(), answered / seconds(), maxGuesses,
                    histogram(answers), Double.isNaN(firstRefusalSeconds) ? "none"
                            : String.format("%.1f s", firstRefusalSeconds), errors());
        }
    }

    // ---------------------------------------------------------------- 7

    /** A /live WebSocket watcher that never reads, while boards are given hostnames in a burst. */
    static final class StalledWatcher extends Attack {
        private final int watchers;
        private final int burstClients;
        private final double burstRate;
        private final int burstMax;
        private final List<Socket> watching = new ArrayList<>();
        private final Map<Integer, Integer> handshakes = new ConcurrentHashMap<>();
        private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
        private final AtomicInteger taken = new AtomicInteger();
        private final long[] latencies;
        private final AtomicInteger done = new AtomicInteger();
        private String afterwards = "";
        private double burstSeconds;
        private volatile long peakSendQueue = -1;

        StalledWatcher(Target target, int watchers, int burstClients, double burstRate, int burstMax) {
            super(watchers == 0 ? "7c same burst, no watcher" : "7 stalled /live watcher", target);
            this.watchers = watchers;
            this.burstClients = burstClients;
            this.burstRate = burstRate;
            this.burstMax = burstMax;
            this.latencies = new long[burstMax];
        }

        @Override
        protected void start() throws IOException {
            byte[] key = new byte[16];
            new SecureRandom().nextBytes(key);
            for (int w = 0; w < watchers; w++) {
                // a receive window of a few KiB: the server's sends stall as soon as we stop reading
                Socket s = track(Wire.connect(target.attacker(), target.management(), 3000, 5000, 4096));
                s.getOutputStream().write(Wire.request("GET", "/live", target.management(), Map.of(
                        "Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Version", "13",
                        "Sec-WebSocket-Key", Base64.getEncoder().encodeToString(key),
                        "Authorization", target.adminAuthorization()), null, false));
                Wire.Answer head = Wire.readHead(new LimitedStream(s.getInputStream()));
                handshakes.merge(head.status(), 1, Integer::sum);
                watching.add(s); // and never read again
            }
            spawn("send-queue", this::sampleSendQueues);
            long burstStart = System.nanoTime();
            for (int c = 0; c < burstClients; c++) {
                spawn("burst-" + c, () -> {
                    try (Wire.Connection connection = new Wire.Connection(target.attacker(), target.deployment(),
                            30_000)) {
                        for (int i = taken.getAndIncrement(); i < burstMax && running(); i = taken.getAndIncrement()) {
                            if (burstRate > 0) { // paced: assignment i is due at i / rate
                                long due = burstStart + (long) (i * 1e9 / burstRate);
                                long ahead = due - System.nanoTime();
                                if (ahead > 1_000_000) {
                                    pause(ahead / 1_000_000);
                                }
                                if (!running()) {
                                    break;
                                }
                            }
                            byte[] body = ("{\"product_type\":\"RXP2\",\"venue_code\":\"" + target.venue()
                                    + "\",\"serial_number\":\"" + target.nextSerial().get() + "\"}")
                                    .getBytes(StandardCharsets.UTF_8);
                            long t0 = System.nanoTime();
                            try {
                                Wire.Answer answer = connection.exchange(Wire.request("POST", "/api/config",
                                        target.deployment(), Map.of("Content-Type", "application/json"), body,
                                        false));
                                statuses.merge(String.valueOf(answer.status()), 1, Integer::sum);
                            } catch (IOException e) {
                                statuses.merge(e.getClass().getSimpleName(), 1, Integer::sum);
                            }
                            latencies[i] = System.nanoTime() - t0;
                            done.incrementAndGet();
                            burstSeconds = (System.nanoTime() - burstStart) / 1e9;
                        }
                    }
                });
            }
        }

        /**
         * The server's send queue on each watcher connection, from /proc/net/tcp (both ends are local): how much the
         * kernel holds for a watcher that stopped reading. The server's sends stall only once it is full.
         */
        private void sampleSendQueues() {
            while (running()) {
                try {
                    long total = serverEnds().values().stream().mapToLong(e -> e[1]).sum();
                    peakSendQueue = Math.max(peakSendQueue, total);
                } catch (IOException | RuntimeException e) {
                    return; // no /proc: the figure stays unknown
                }
                pause(500);
            }
        }

        /**
         * The server's end of each watcher connection in /proc/net/tcp(6): its TCP state (1 established) and send
         * queue in bytes, by our local port; a connection the server has fully closed is absent.
         */
        private Map<Integer, long[]> serverEnds() throws IOException {
            Map<String, Integer> wanted = new java.util.HashMap<>();
            for (Socket s : watching) {
                // local = the server's address and port, remote = ours
                wanted.put(procEnd(s.getInetAddress().getAddress(), s.getPort()) + " "
                        + procEnd(s.getLocalAddress().getAddress(), s.getLocalPort()), s.getLocalPort());
            }
            Map<Integer, long[]> ends = new java.util.HashMap<>();
            // Java's sockets are IPv6 ones by default: IPv4 connections show as ::ffff:a.b.c.d in tcp6
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 4 && f[1].contains(":") && f[2].contains(":")) {
                        Integer port = wanted.get(tail(f[1]) + " " + tail(f[2]));
                        if (port != null) {
                            ends.put(port, new long[] {Long.parseLong(f[3], 16),
                                Long.parseLong(f[4].substring(0, f[4].indexOf(':')), 16)});
                        }
                    }
                }
            }
            return ends;
        }

        /**
         * What the server sent, as WebSocket frames (RFC 6455 section 5.2; a server's frames are not masked): how
         * many messages, how many told of dropped ones, and whether a close frame came and with which code.
         */
        private static String frames(byte[] data) {
            int text = 0;
            int droppedNotices = 0;
            String close = "no close frame";
            int at = 0;
            while (at + 2 <= data.length) {
                int opcode = data[at] & 0x0f;
                long length = data[at + 1] & 0x7f;
                int header = 2;
                if (length == 126 && at + 4 <= data.length) {
                    length = ((data[at + 2] & 0xff) << 8) | (data[at + 3] & 0xff);
                    header = 4;
                } else if (length == 127 && at + 10 <= data.length) {
                    length = 0;
                    for (int i = 0; i < 8; i++) {
                        length = (length << 8) | (data[at + 2 + i] & 0xff);
                    }
                    header = 10;
                }
                if (at + header + length > data.length) {
                    break; // cut off: the rest never came
                }
                if (opcode == 1) {
                    text++;
                    String message = new String(data, at + header, (int) Math.min(length, 200),
                            StandardCharsets.UTF_8);
                    if (message.contains("live.dropped")) {
                        droppedNotices++;
                    }
                } else if (opcode == 8) {
                    close = length >= 2 ? "close frame, code " + (((data[at + header] & 0xff) << 8)
                            | (data[at + header + 1] & 0xff)) : "close frame";
                }
                at += header + (int) length;
            }
            return String.format("%d messages, %d of them live.dropped notices, %s", text, droppedNotices, close);
        }

        /** An IPv4 end as /proc/net/tcp prints it: the address as one host-order (little-endian) word, the port. */
        private static String procEnd(byte[] ipv4, int port) {
            return String.format("%02X%02X%02X%02X:%04X", ipv4[3] & 0xff, ipv4[2] & 0xff, ipv4[1] & 0xff,
                    ipv4[0] & 0xff, port);
        }

        /** The last IPv4 word and the port of an address of /proc/net/tcp or tcp6. */
        private static String tail(String end) {
            int colon = end.indexOf(':');
            return end.substring(colon - 8);
        }

        @Override
        public void close() {
            // before the sockets are closed: did the server drop the watcher that stopped reading? Its last send
            // waits while the kernel's queue is full, and the server gives up on a send after 10 s
            stop.set(true);
            long waitStart = System.nanoTime();
            String closing = "";
            try {
                while (!watching.isEmpty() && System.nanoTime() - waitStart < 15_000_000_000L) {
                    Map<Integer, long[]> ends = serverEnds();
                    if (ends.size() < watching.size() || ends.values().stream().anyMatch(e -> e[0] != 1)) {
                        closing = String.format("the server closed the watcher %.1f s after the burst; ",
                                (System.nanoTime() - waitStart) / 1e9);
                        break;
                    }
                    Thread.sleep(250);
                }
                if (closing.isEmpty() && !watching.isEmpty()) {
                    closing = "the server still held the watcher 15 s after the burst; ";
                }
            } catch (IOException | RuntimeException e) {
                closing = "";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int ended = 0;
            long buffered = 0;
            List<String> frames = new ArrayList<>();
            for (Socket s : watching) {
                java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
                try {
                    s.setSoTimeout(3000);
                    InputStream in = s.getInputStream();
                    byte[] buffer = new byte[64 * 1024];
                    long deadlineDrain = System.nanoTime() + 10_000_000_000L;
                    while (System.nanoTime() < deadlineDrain && got.size() < 64 << 20) {
                        int r = in.read(buffer);
                        if (r < 0) {
                            ended++;
                            break;
                        }
                        got.write(buffer, 0, r);
                    }
                } catch (SocketTimeoutException stillOpen) {
                    // nothing more came within 3 s, and no end
                } catch (IOException e) {
                    ended++; // reset
                }
                buffered += got.size();
                frames.add(frames(got.toByteArray()));
            }
            afterwards = String.format("%sread afterwards from the watcher socket(s): %d KiB (%s), then the end of "
                    + "the connection on %d of %d", closing, buffered / 1024, String.join("; ", frames), ended,
                    watching.size());
            super.close();
        }

        @Override
        String stats() {
            int n = Math.min(done.get(), burstMax);
            long[] measured = Arrays.copyOf(latencies, Math.min(taken.get(), burstMax));
            long[] nonZero = Arrays.stream(measured).filter(v -> v > 0).toArray();
            String burst = String.format("%d hostname assignments (RXP2, %d clients, %s, bound %d) in %.1f s: "
                    + "statuses %s, p50 %.1f ms, p99 %.1f ms", n, burstClients, burstRate > 0
                            ? String.format("paced at %.0f/s", burstRate) : "unpaced", burstMax, burstSeconds,
                    histogram(statuses), percentile(nonZero, 50) / 1e6, percentile(nonZero, 99) / 1e6);
            if (watchers == 0) {
                return "no watcher; " + burst;
            }
            return String.format("%d watcher(s) of /live with admin Basic auth (handshake statuses %s) that never "
                    + "read; meanwhile %s; the server's send queue to the watcher(s) peaked at %s; %s", watchers,
                    histogram(handshakes), burst, peakSendQueue < 0 ? "(unknown)" : peakSendQueue / 1024 + " KiB",
                    afterwards);
        }
    }

    /** Serial numbers no other request of the run uses (RXP2 hostnames come from their last 8 characters). */
    static Supplier<String> serials(String prefix) {
        AtomicLong next = new AtomicLong();
        return () -> String.format("%s%08x", prefix, next.incrementAndGet());
    }
}
