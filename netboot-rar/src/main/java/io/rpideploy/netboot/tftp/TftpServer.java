package io.rpideploy.netboot.tftp;

import io.rpideploy.netboot.api.BootFile;
import io.rpideploy.netboot.api.BootRequest;
import io.rpideploy.netboot.api.TftpError;
import io.rpideploy.netboot.policy.BootFileSource;
import io.rpideploy.netboot.policy.NetbootEvents;
import io.rpideploy.netboot.api.TftpTransferReport;
import io.rpideploy.netboot.api.TftpTransferReport.Outcome;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A read-only TFTP server. NIO {@link Selector} loops serve every transfer, each on its own {@link DatagramChannel}
 * (its transfer ID, RFC 1350 section 4), reading files at a position. The caller's thread runs the first loop, which
 * also owns the listening socket and calls {@link NetbootEvents} (always from that one thread); one more loop per
 * further CPU core (at most {@value #MAX_LOOPS} in all) takes a share of the transfers. Why more than one: with
 * many concurrent clients on a busy host the scheduler gives each runnable thread an equal share, and a single
 * loop thread then starves against the clients themselves (measured: 10 concurrent 32 MiB fetches on 2 cores ran at
 * 0.86x atftpd's thread-per-transfer with one loop). Besides the loops, one {@link Lane} per two cores serves a long
 * transfer on its own thread while few transfers run (lock-step transfers are bound by wake-up latency, not CPU).
 * The thread count is fixed, never per transfer. The loops themselves never poll: measured with 4 KiB fetches, a
 * loop polling after each packet took CPU from the client's side of the exchange (0.15 ms per fetch against 0.12
 * sleeping). Opening transfer sockets ahead of requests was measured too and made no difference (a transfer
 * socket is opened when its request comes, as dnsmasq does).
 * <p>
 * Write requests are refused with error 2 (access violation: the boot tree is read-only, and that is what a
 * read-only tftp-hpa answers). Mode "netascii" is served byte for byte like "octet": boot files are binary and no
 * boot client asks for netascii; any other mode is error 4.
 */
public final class TftpServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TftpServer.class.getName());
    /** How often the retransmission timers are looked at; timeouts are whole seconds, so 20 ms is fine-grained. */
    private static final long TIMER_TICK_MILLIS = 20;
    private static final int BUFFER_BYTES = 65536;
    static final int MAX_LOOPS = 4;
    /** Lanes at most, whatever the core count (one per two cores by default). */
    static final int MAX_LANES = 8;
    /** A transfer of fewer blocks stays on the loop that took its request: a hand-off would cost more than it saves. */
    static final long LANE_MIN_BLOCKS = 32;
    /** How long a lane polls for the client's answer before it sleeps (when polling, see {@link WaitChoice}). */
    static final long POLL_NANOS = 150_000;

    private final TftpSettings settings;
    private final BootFileSource files;
    private final BootTree tree;
    private final NetbootEvents events;
    private final Clock clock;
    private final int loopCount;
    private final List<Path> roots = new ArrayList<>(2);
    /** Small files served from memory while unchanged (only the listener's loop asks). */
    private final SmallFiles smallFiles = new SmallFiles();
    /** The roots' real paths, resolved once they exist: one path walk less per request. */
    private volatile List<Path> realRoots = List.of();
    /** Every running transfer by client address: a repeated RRQ from the same port is not a second transfer. */
    private final Map<SocketAddress, Session> clients = new ConcurrentHashMap<>();
    private final AtomicInteger active = new AtomicInteger();
    private final Queue<TftpTransferReport> reports = new ConcurrentLinkedQueue<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final MalformedLog malformedLog = new MalformedLog();

    private final List<Loop> loops = new ArrayList<>();
    private final Executor executor;
    private final int lanes;
    /** Lanes started (running or about to), lanes waiting for a transfer, and the hand-off queue between them. */
    private final AtomicInteger lanesStarted = new AtomicInteger();
    private final AtomicInteger idleLanes = new AtomicInteger();
    private final LinkedBlockingQueue<Session> laneQueue = new LinkedBlockingQueue<>();
    /** The transfers being served on lanes (for {@link #close()}). */
    private final Set<Session> laneSessions = ConcurrentHashMap.newKeySet();
    private final AtomicLong laneTransfers = new AtomicLong();
    /** Without a container: a daemon thread per extra loop and per lane. */
    private static final Executor OWN_THREADS = command -> {
        Thread thread = new Thread(command, command instanceof Lane ? "tftp-lane" : "tftp-loop");
        thread.setDaemon(true);
        thread.start();
    };
    private DatagramChannel listener;
    private InetSocketAddress bound;
    private volatile boolean closed;
    private volatile boolean running;
    private boolean released;

    /** Standalone: the extra selector loops run on daemon threads of the engine's own. */
    public TftpServer(TftpSettings settings, BootFileSource files, NetbootEvents events, Clock clock) {
        this(settings, files, events, clock, OWN_THREADS);
    }

    /**
     * @param executor where the extra selector loops run (one per further core, at most {@value #MAX_LOOPS} in all;
     *                 measured: one loop alone got too little CPU on a busy 2-core host); the resource adapter
     *                 passes the container's WorkManager
     */
    public TftpServer(TftpSettings settings, BootFileSource files, NetbootEvents events, Clock clock,
                      Executor executor) {
        this(settings, files, events, clock, executor,
                Math.min(MAX_LOOPS, Runtime.getRuntime().availableProcessors()), defaultLanes());
    }

    /** @param loopCount selector loops, the caller's included (1: no thread of its own) */
    TftpServer(TftpSettings settings, BootFileSource files, NetbootEvents events, Clock clock, int loopCount) {
        this(settings, files, events, clock, OWN_THREADS, loopCount, defaultLanes());
    }

    /**
     * @param lanes lane threads (0: every transfer on the selector loops); a transfer gets one only while no more
     *              than {@code lanes} transfers run
     */
    TftpServer(TftpSettings settings, BootFileSource files, NetbootEvents events, Clock clock, int loopCount,
               int lanes) {
        this(settings, files, events, clock, OWN_THREADS, loopCount, lanes);
    }

    private TftpServer(TftpSettings settings, BootFileSource files, NetbootEvents events, Clock clock,
                       Executor executor, int loopCount, int lanes) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.lanes = Math.max(0, Math.min(MAX_LANES, lanes));
        this.settings = Objects.requireNonNull(settings, "settings");
        this.files = Objects.requireNonNull(files, "files");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.loopCount = Math.max(1, Math.min(MAX_LOOPS, loopCount));
        this.tree = new BootTree(settings.bootRoot());
        roots.add(settings.bootRoot());
        roots.addAll(settings.generatedRoots());
    }

    /** One lane per two cores: a lane polls for its client on one core while the client runs on another. */
    private static int defaultLanes() {
        return Math.min(MAX_LANES, Runtime.getRuntime().availableProcessors() / 2);
    }

    /** Binds the listening socket. */
    public synchronized void open() throws IOException {
        if (listener != null || closed) {
            throw new IllegalStateException(closed ? "closed" : "already open");
        }
        InetSocketAddress bind = settings.bind();
        String where = bind.getAddress() == null ? bind.getHostString() + ":" + bind.getPort()
                : bind.getAddress().getHostAddress() + ":" + bind.getPort();
        List<Loop> opened = new ArrayList<>();
        DatagramChannel channel = DatagramChannel.open(family());
        try {
            for (int i = 0; i < loopCount; i++) {
                opened.add(new Loop(i, Selector.open()));
            }
            channel.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            channel.bind(bind);
            channel.configureBlocking(false);
            channel.register(opened.get(0).selector, SelectionKey.OP_READ);
        } catch (IOException e) {
            channel.close();
            for (Loop loop : opened) {
                loop.selector.close();
            }
            throw new IOException("cannot bind TFTP to " + where + ": " + e.getMessage(), e);
        }
        loops.addAll(opened);
        listener = channel;
        bound = (InetSocketAddress) channel.getLocalAddress();
    }

    /** An IPv4 socket for an IPv4 address: the kernel's plain UDP path, not IPv6 with mapped addresses. */
    private ProtocolFamily family() {
        return settings.bind().getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6
                : StandardProtocolFamily.INET;
    }

    /** The bound address (useful when the settings asked for port 0). */
    public InetSocketAddress localAddress() {
        if (bound == null) {
            throw new IllegalStateException("not open");
        }
        return bound;
    }

    /** Serves until {@link #close()}; a bad packet or a failing transfer never ends the loop. */
    public void run() {
        if (listener == null) {
            throw new IllegalStateException("open() first");
        }
        running = true;
        CountDownLatch extraLoops = new CountDownLatch(loops.size() - 1);
        try {
            for (Loop loop : loops.subList(1, loops.size())) {
                executor.execute(() -> {
                    try {
                        loop.run();
                    } finally {
                        extraLoops.countDown();
                    }
                });
            }
            for (int i = 0; i < lanes; i++) {
                startLane();
            }
            loops.get(0).run();
        } finally {
            for (Loop loop : loops) {
                loop.selector.wakeup();
            }
            try {
                if (!extraLoops.await(500, TimeUnit.MILLISECONDS)) {
                    LOG.warning("a TFTP loop did not stop within 500 ms");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            release();
            running = false;
            stopped.countDown();
        }
    }

    /** Stops {@link #run()} within a second and releases every socket. */
    @Override
    public void close() {
        closed = true;
        for (Loop loop : loops) {
            loop.selector.wakeup();
        }
        if (running) {
            try {
                if (!stopped.await(1, TimeUnit.SECONDS)) {
                    LOG.warning("TFTP loop did not stop within 1 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            release();
        }
    }

    public int activeTransfers() {
        return active.get();
    }

    /** Lanes waiting for a transfer. */
    int idleLanes() {
        return idleLanes.get();
    }

    /** Transfers a lane took so far. */
    long laneTransfers() {
        return laneTransfers.get();
    }

    /**
     * One request per wake-up: the level-triggered selector reports the listener again while requests wait, and
     * between two of them every ready transfer gets its turn (a flood cannot starve running transfers); a second
     * receive would mostly find nothing.
     */
    private void onListener(Loop loop) {
        SocketAddress from;
        ByteBuffer packet = loop.receiveBuffer.clear();
        try {
            from = listener.receive(packet);
        } catch (IOException e) {
            LOG.log(Level.FINE, "TFTP receive failed", e);
            return;
        }
        if (from != null) {
            onRequest(loop, (InetSocketAddress) from, packet.flip());
        }
    }

    private void onRequest(Loop loop, InetSocketAddress client, ByteBuffer packet) {
        Instant started = clock.instant();
        TftpPacket decoded;
        try {
            decoded = TftpPacket.decode(packet);
        } catch (MalformedPacketException e) {
            malformedLog.log(client, e.getMessage());
            replyFromListener(loop, client, TftpError.ILLEGAL_OPERATION.code(),
                    "illegal TFTP operation: " + e.getMessage());
            return;
        }
        if (!(decoded instanceof TftpPacket.Request request)) {
            // RFC 1350 section 7: an ERROR is never answered; anything else here is not a request
            if (!(decoded instanceof TftpPacket.Error)) {
                malformedLog.log(client, "not a request on the listening port: " + decoded);
                replyFromListener(loop, client, TftpError.ILLEGAL_OPERATION.code(), "illegal TFTP operation");
            }
            return;
        }
        String name = request.filename();
        if (request.write()) {
            refuse(loop, client, name, started, TftpError.ACCESS_VIOLATION.code(), "read-only server: write refused");
            return;
        }
        if (!request.mode().equals("octet") && !request.mode().equals("netascii")) {
            refuse(loop, client, name, started, TftpError.ILLEGAL_OPERATION.code(),
                    "unsupported mode " + request.mode());
            return;
        }
        if (clients.containsKey(client)) {
            // the same client port asking again: its first request is being served, whose own retransmissions
            // answer this one
            return;
        }
        if (active.get() >= settings.maxTransfers()) {
            refuse(loop, client, name, started, TftpError.NOT_DEFINED.code(), "server busy");
            return;
        }
        String unsafe = RequestNames.unsafe(RequestNames.inTree(name));
        if (unsafe != null) {
            refuse(loop, client, name, started, TftpError.ACCESS_VIOLATION.code(), "access violation: " + unsafe);
            return;
        }
        TftpTransfer.Content content;
        try {
            content = content(client, RequestNames.inTree(name));
        } catch (Refusal r) {
            refuse(loop, client, name, started, r.code, r.getMessage());
            return;
        }
        TftpOptions options = TftpOptions.negotiate(request.options(), settings, content.size());
        startSession(loop, client, name, started, content, options);
    }

    /**
     * The boot tree first (per-board folder, then shared: an operator's file always wins), then the application for
     * what it generates. An on-disk answer of the application is checked again: a regular file whose real path lies
     * under one of the engine's roots, opened by that real path without following a link.
     */
    private TftpTransfer.Content content(InetSocketAddress client, String name) throws Refusal {
        BootRequest request = BootRequest.parse(client, name);
        RequestNames.Lookup found = tree.find(request);
        if (found instanceof RequestNames.Outside) {
            throw new Refusal(TftpError.ACCESS_VIOLATION.code(), "access violation: outside the boot tree");
        }
        RequestNames.Confined served = found instanceof RequestNames.Confined confined ? confined : null;
        if (served == null) {
            BootFile answer;
            try {
                answer = files.open(request);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "TFTP boot file source failed for " + name, e);
                throw new Refusal(TftpError.NOT_DEFINED.code(), "internal error");
            }
            if (answer == null) {
                throw new Refusal(TftpError.FILE_NOT_FOUND.code(), "file not found");
            }
            if (answer instanceof BootFile.Refused refused) {
                throw new Refusal(refused.error().code(), refused.message() == null ? "refused" : refused.message());
            }
            if (answer instanceof BootFile.Generated generated) {
                return TftpTransfer.Content.of(generated.content().clone());
            }
            Path path = ((BootFile.OnDisk) answer).path();
            for (Path root : realRoots()) {
                if ((served = RequestNames.confinedReal(path, root)) != null) {
                    break;
                }
            }
            if (served == null) {
                throw new Refusal(TftpError.ACCESS_VIOLATION.code(), "access violation: outside the boot tree");
            }
        }
        try {
            return smallFiles.open(served.real(), served.attributes());
        } catch (NoSuchFileException e) {
            throw new Refusal(TftpError.FILE_NOT_FOUND.code(), "file not found");
        } catch (AccessDeniedException e) {
            throw new Refusal(TftpError.ACCESS_VIOLATION.code(), "access violation");
        } catch (IOException e) {
            throw new Refusal(TftpError.NOT_DEFINED.code(), "cannot read file");
        }
    }

    /** The roots' real paths; a root that does not exist yet (created after the server started) is tried again. */
    private List<Path> realRoots() {
        List<Path> known = realRoots;
        if (known.size() == roots.size()) {
            return known;
        }
        List<Path> resolved = new ArrayList<>(roots.size());
        for (Path root : roots) {
            try {
                resolved.add(root.toRealPath());
            } catch (IOException missing) {
                // not there yet: serve from the roots that exist, resolve again next time
            }
        }
        if (resolved.size() == roots.size()) {
            realRoots = List.copyOf(resolved);
        }
        return resolved;
    }

    /** Opens the transfer's socket here, then hands the transfer to the least busy loop. */
    private void startSession(Loop loop, InetSocketAddress client, String name, Instant started,
                              TftpTransfer.Content content, TftpOptions options) {
        DatagramChannel channel = null;
        try {
            channel = transferSocket();
        } catch (IOException e) {
            closeQuietly(channel);
            content.close();
            reports.add(report(client, name, started, 0, options.blockSize(), options.windowSize(), Outcome.FAILED,
                    "cannot open a socket: " + e.getMessage()));
            replyFromListener(loop, client, TftpError.NOT_DEFINED.code(), "server error");
            return;
        }
        TftpTransfer transfer = new TftpTransfer(content, options, settings.retries());
        reports.add(new TftpTransferReport(started, Duration.ZERO, client, name, 0, options.blockSize(),
                options.windowSize(), Outcome.STARTED, null));
        if (transfer.blocks() >= LANE_MIN_BLOCKS && active.get() < lanes && takeIdleLane()) {
            Session session = new Session(null, channel, client, name, started, transfer);
            clients.put(client, session);
            active.incrementAndGet();
            laneQueue.add(session);
            return;
        }
        Loop target = loop;
        for (Loop candidate : loops) {
            if (candidate.load.get() < target.load.get()) {
                target = candidate;
            }
        }
        Session session = new Session(target, channel, client, name, started, transfer);
        clients.put(client, session);
        active.incrementAndGet();
        target.load.incrementAndGet();
        if (target == loop) {
            loop.adopt(session);
        } else {
            target.pending.add(session);
            target.selector.wakeup();
        }
    }

    /**
     * A new transfer's socket: RFC 1350 section 4, a new transfer ID (an ephemeral port the kernel picks) per
     * transfer, on the listening address (a wildcard listener lets the kernel pick the source address by route).
     */
    private DatagramChannel transferSocket() throws IOException {
        DatagramChannel channel = DatagramChannel.open(family());
        try {
            channel.bind(new InetSocketAddress(bound.getAddress(), 0));
            channel.setOption(StandardSocketOptions.SO_SNDBUF, 1 << 18);
            channel.configureBlocking(false);
            return channel;
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** Claims a lane waiting for a transfer; the lane that announced itself idle takes the next one queued. */
    private boolean takeIdleLane() {
        for (int idle; (idle = idleLanes.get()) > 0; ) {
            if (idleLanes.compareAndSet(idle, idle - 1)) {
                return true;
            }
        }
        return false;
    }

    private void startLane() {
        lanesStarted.incrementAndGet();
        try {
            executor.execute(new Lane());
        } catch (RejectedExecutionException e) {
            lanesStarted.decrementAndGet();
            LOG.log(Level.FINE, "TFTP: no thread for another lane; transfers stay on the loops", e);
        }
    }

    /** Ends a lane's transfer: the lane's own thread, or the releasing one for a transfer no lane took. */
    private void endLaneSession(Session session) {
        if (!session.ended.compareAndSet(false, true)) {
            return;
        }
        TftpTransfer transfer = session.transfer;
        transfer.fail("server stopped");
        clients.remove(session.client, session);
        active.decrementAndGet();
        closeQuietly(session.channel);
        reports.add(report(session.client, session.filename, session.started, transfer.bytesAcknowledged(),
                transfer.blockSize(), transfer.windowSize(), transfer.outcome(), transfer.detail()));
        laneSessions.remove(session);
    }

    private void refuse(Loop loop, InetSocketAddress client, String name, Instant started, int code,
                        String message) {
        replyFromListener(loop, client, code, message);
        reports.add(report(client, name, started, 0, TftpOptions.DEFAULT_BLOCK_SIZE, 1, Outcome.REFUSED,
                "error " + code + ": " + message));
    }

    private void replyFromListener(Loop loop, InetSocketAddress client, int code, String message) {
        try {
            listener.send(TftpPacket.encodeError(loop.sendBuffer, code, message), client);
        } catch (IOException e) {
            LOG.log(Level.FINE, "TFTP: cannot send an error to " + client, e);
        }
    }

    /** Builds (and logs) a report; it reaches {@link NetbootEvents} from the first loop's thread. */
    private TftpTransferReport report(InetSocketAddress client, String name, Instant started, long bytes,
                                      int blockSize, int windowSize, Outcome outcome, String detail) {
        Duration duration = Duration.between(started, clock.instant());
        Level level = outcome == Outcome.FAILED || outcome == Outcome.REFUSED ? Level.INFO : Level.FINE;
        if (LOG.isLoggable(level)) {
            LOG.log(level, "TFTP RRQ " + name + " from " + client + " -> " + outcome + ", " + bytes + " bytes in "
                    + duration.toMillis() + " ms, blksize " + blockSize + ", windowsize " + windowSize
                    + (detail == null ? "" : " (" + detail + ")"));
        }
        return new TftpTransferReport(started, duration, client, name, bytes, blockSize, windowSize, outcome,
                detail);
    }

    private void deliverReports() {
        for (TftpTransferReport report; (report = reports.poll()) != null; ) {
            try {
                events.tftp(report);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "TFTP event listener failed", e);
            }
        }
    }

    private synchronized void release() {
        if (released) {
            return;
        }
        released = true;
        for (Loop loop : loops) {
            loop.release();
        }
        releaseLanes();
        closeQuietly(listener);
        deliverReports();
    }

    /**
     * Stops the lanes: a transfer no lane took yet ends here, a lane's transfer ends on its lane when its socket
     * closes (waited for, briefly, so that its report is delivered), an idle lane takes a stop mark.
     */
    private void releaseLanes() {
        for (Session session; (session = laneQueue.poll()) != null; ) {
            if (session != STOP) {
                endLaneSession(session);
            }
        }
        for (Session session : laneSessions) {
            closeQuietly(session.channel);
            Selector selector = session.laneSelector;
            if (selector != null) {
                selector.wakeup();
            }
        }
        for (int i = lanesStarted.get(); i > 0; i--) {
            laneQueue.add(STOP);
        }
        long giveUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        while (!laneSessions.isEmpty() && System.nanoTime() < giveUp) {
            pause(1);
        }
    }

    private static void closeQuietly(DatagramChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.log(Level.FINE, "TFTP: closing a socket failed", e);
            }
        }
    }

    /**
     * A datagram on a transfer's socket, from a loop or a lane. RFC 1350 section 4: one from an unknown TID gets
     * error 5 and the transfer goes on; a malformed one from the client is logged and dropped (the retransmission
     * timer recovers).
     *
     * @return true when it came from the transfer's client and went to the transfer
     */
    private boolean onTransferDatagram(Session session, SocketAddress from, ByteBuffer packet, ByteBuffer sendBuffer)
            throws IOException {
        if (!session.client.equals(from)) {
            malformedLog.log((InetSocketAddress) from, "unknown transfer ID");
            session.channel.send(TftpPacket.encodeError(sendBuffer, TftpError.UNKNOWN_TRANSFER_ID.code(),
                    "unknown transfer ID"), from);
            return false;
        }
        TftpPacket decoded;
        try {
            decoded = TftpPacket.decode(packet);
        } catch (MalformedPacketException e) {
            malformedLog.log(session.client, e.getMessage());
            return false;
        }
        session.transfer.onPacket(decoded, clock.millis(), session);
        return true;
    }

    /** One selector thread's transfers; all of a transfer's work happens on its loop's thread. */
    private final class Loop {
        final int index;
        final Selector selector;
        final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
        final ByteBuffer sendBuffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
        final Map<SocketAddress, Session> sessions = new HashMap<>();
        final Queue<Session> pending = new ConcurrentLinkedQueue<>();
        final AtomicInteger load = new AtomicInteger();
        private long nextTimerCheck;
        private boolean releasedHere;

        Loop(int index, Selector selector) {
            this.index = index;
            this.selector = selector;
        }

        void run() {
            try {
                nextTimerCheck = clock.millis() + TIMER_TICK_MILLIS;
                while (!closed) {
                    long wait = Math.max(1, Math.min(nextTimerCheck - clock.millis(), 200));
                    try {
                        selector.select(this::onReady, wait);
                    } catch (ClosedSelectorException e) {
                        break;
                    } catch (IOException e) {
                        LOG.log(Level.WARNING, "TFTP selector failed; continuing", e);
                        pause();
                    }
                    for (Session session; (session = pending.poll()) != null; ) {
                        adopt(session);
                    }
                    long now = clock.millis();
                    if (now >= nextTimerCheck) {
                        checkTimers(now);
                        nextTimerCheck = now + TIMER_TICK_MILLIS;
                    }
                    if (index == 0) {
                        deliverReports();
                    }
                }
            } finally {
                release();
            }
        }

        /** Registers a new transfer with this loop and sends its first packet (OACK or DATA). */
        void adopt(Session session) {
            session.buffer = sendBuffer;
            sessions.put(session.client, session);
            try {
                session.key = session.channel.register(selector, SelectionKey.OP_READ, session);
                session.transfer.start(clock.millis(), session);
            } catch (IOException | RuntimeException e) {
                session.transfer.fail("cannot start: " + e);
            }
            afterEvent(session);
        }

        private void onReady(SelectionKey key) {
            try {
                if (key.attachment() instanceof Session session) {
                    onSession(session, key);
                } else {
                    onListener(this);
                }
            } catch (RuntimeException e) {
                // never let one packet end the loop
                LOG.log(Level.WARNING, "TFTP: unexpected failure handling a packet", e);
            }
        }

        private void onSession(Session session, SelectionKey key) {
            TftpTransfer transfer = session.transfer;
            try {
                if (key.isValid() && key.isWritable()) {
                    transfer.onWritable(clock.millis(), session);
                }
                if (key.isValid() && key.isReadable()) {
                    // one datagram per wake-up: a transfer's client has at most one packet in flight, and the
                    // level-triggered selector reports a second one again (saves a recvfrom that finds nothing)
                    receiveBuffer.clear();
                    SocketAddress from = session.channel.receive(receiveBuffer);
                    if (from != null) {
                        onTransferDatagram(session, from, receiveBuffer.flip(), sendBuffer);
                    }
                }
            } catch (IOException e) {
                transfer.fail("I/O error: " + e.getMessage());
            }
            afterEvent(session);
        }

        private void checkTimers(long now) {
            if (sessions.isEmpty()) {
                return;
            }
            List<Session> due = null;
            for (Session session : sessions.values()) {
                if (now >= session.transfer.deadline()) {
                    if (due == null) {
                        due = new ArrayList<>();
                    }
                    due.add(session);
                }
            }
            if (due == null) {
                return;
            }
            for (Session session : due) {
                try {
                    session.transfer.onTimeout(now, session);
                } catch (IOException e) {
                    session.transfer.fail("I/O error: " + e.getMessage());
                }
                afterEvent(session);
            }
        }

        /** Ends a finished session, or asks for OP_WRITE while a full send buffer holds its window back. */
        private void afterEvent(Session session) {
            TftpTransfer transfer = session.transfer;
            if (transfer.done()) {
                if (sessions.remove(session.client, session)) {
                    clients.remove(session.client, session);
                    active.decrementAndGet();
                    load.decrementAndGet();
                    closeQuietly(session.channel);
                    reports.add(report(session.client, session.filename, session.started,
                            transfer.bytesAcknowledged(), transfer.blockSize(), transfer.windowSize(),
                            transfer.outcome(), transfer.detail()));
                }
                return;
            }
            if (session.key != null && session.key.isValid()) {
                int ops = SelectionKey.OP_READ | (transfer.blocked() ? SelectionKey.OP_WRITE : 0);
                if (session.key.interestOps() != ops) {
                    session.key.interestOps(ops);
                }
            }
        }

        /** Ends this loop's transfers (reported FAILED) and closes its selector; on its own thread if it ran. */
        synchronized void release() {
            if (releasedHere) {
                return;
            }
            releasedHere = true;
            for (Session session; (session = pending.poll()) != null; ) {
                sessions.put(session.client, session);
            }
            for (Session session : new ArrayList<>(sessions.values())) {
                session.transfer.fail("server stopped");
                afterEvent(session);
            }
            try {
                selector.close();
            } catch (IOException e) {
                LOG.log(Level.FINE, "TFTP: closing a selector failed", e);
            }
        }
    }

    /**
     * A thread that serves one long transfer at a time on the transfer's own socket, with no other transfer to look
     * after between a DATA and its ACK. Why: in lock-step (windowsize 1) a block costs little CPU but two wake-ups,
     * the client's and ours, and waking an idle core is the dearest part of a block (measured on the 2-core VM of
     * the benchmark: 64 MiB at blksize 1468 runs at 65-80 MB/s when server and client share a core, 15-25 MB/s when
     * the scheduler puts them on the two cores, which it does whenever the other core is idle). So while no more
     * transfers run than there are lanes (one per two cores), a lane may poll its socket for up to
     * {@value #POLL_NANOS} ns after sending instead of sleeping, which takes our wake-up out of the block; whether
     * polling or sleeping is faster for this client is measured as the transfer goes ({@link WaitChoice}). When it
     * sleeps it sleeps in a selector of its own, whose timeout is the transfer's retransmission timer. The lanes
     * are started once with the loops and reused, never a thread per transfer; a short transfer, or one arriving
     * while the lanes are busy or more transfers run, goes to a selector loop as before.
     */
    private final class Lane implements Runnable {
        private final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
        private final ByteBuffer sendBuffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
        private Selector selector;

        @Override
        public void run() {
            try {
                selector = Selector.open();
                while (!closed) {
                    idleLanes.incrementAndGet();
                    Session session = laneQueue.take();
                    if (session == STOP) {
                        return;
                    }
                    try {
                        serve(session);
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "TFTP: unexpected failure in a transfer", e);
                        session.transfer.fail("internal error: " + e);
                    } finally {
                        endLaneSession(session);
                    }
                }
            } catch (IOException e) {
                LOG.log(Level.WARNING, "TFTP: a lane stopped on a selector failure", e);
            } catch (InterruptedException e) {
                // the container took the thread back while the lane waited: no transfer may wait for it
                if (!takeIdleLane()) {
                    Session claimed = laneQueue.poll();
                    if (claimed != null && claimed != STOP) {
                        endLaneSession(claimed);
                    }
                }
                Thread.currentThread().interrupt();
            } finally {
                lanesStarted.decrementAndGet();
                if (selector != null) {
                    try {
                        selector.close();
                    } catch (IOException e) {
                        LOG.log(Level.FINE, "TFTP: closing a lane's selector failed", e);
                    }
                }
            }
        }

        private void serve(Session session) throws IOException {
            TftpTransfer transfer = session.transfer;
            DatagramChannel channel = session.channel;
            session.buffer = sendBuffer;
            session.laneSelector = selector;
            laneSessions.add(session);
            laneTransfers.incrementAndGet();
            if (closed) {
                // the releasing thread may have looked at the lanes' transfers before this one was added
                transfer.fail("server stopped");
                return;
            }
            SelectionKey key;
            try {
                key = channel.register(selector, SelectionKey.OP_READ);
                transfer.start(clock.millis(), session);
            } catch (IOException | RuntimeException e) {
                transfer.fail("cannot start: " + e);
                return;
            }
            WaitChoice choice = new WaitChoice(System.nanoTime());
            long waitingSince = System.nanoTime();
            try {
                while (!transfer.done()) {
                    SocketAddress from = channel.receive(receiveBuffer.clear());
                    if (from == null && choice.poll() && active.get() <= lanes) {
                        long pollUntil = waitingSince + POLL_NANOS;
                        do {
                            Thread.onSpinWait();
                            from = channel.receive(receiveBuffer.clear());
                        } while (from == null && System.nanoTime() - pollUntil < 0);
                    }
                    if (from == null) {
                        if (transfer.blocked()) {
                            key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                        }
                        long wait = transfer.deadline() - clock.millis();
                        if (wait > 0) {
                            selector.select(wait);
                            selector.selectedKeys().clear();
                        }
                        if (key.isValid() && (key.interestOps() & SelectionKey.OP_WRITE) != 0) {
                            key.interestOps(SelectionKey.OP_READ);
                        }
                        if (!channel.isOpen()) {
                            transfer.fail(closed ? "server stopped" : "socket closed");
                        } else if (transfer.blocked()) {
                            transfer.onWritable(clock.millis(), session);
                        } else if (wait <= 0) {
                            transfer.onTimeout(clock.millis(), session);
                            waitingSince = System.nanoTime();
                        }
                        continue;
                    }
                    if (onTransferDatagram(session, from, receiveBuffer.flip(), sendBuffer)) {
                        waitingSince = System.nanoTime();
                        choice.answered(waitingSince);
                    }
                }
            } catch (ClosedChannelException e) {
                transfer.fail(closed ? "server stopped" : "socket closed");
            } catch (IOException e) {
                transfer.fail("I/O error: " + e.getMessage());
            } finally {
                key.cancel();
                // the cancelled key leaves the selector at its next select, before the next transfer's registration
                selector.selectNow();
            }
        }
    }

    private static void pause() {
        pause(50);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Marks the end of the lanes' queue. */
    private static final Session STOP = new Session(null, null, null, null, null, null);

    /** One transfer's socket (its TID) and who it serves. */
    private static final class Session implements TftpTransfer.Link {
        /** The loop serving it; null on a lane. */
        final Loop loop;
        final DatagramChannel channel;
        final InetSocketAddress client;
        final String filename;
        final Instant started;
        final TftpTransfer transfer;
        SelectionKey key;
        /** Its server's thread's send buffer (the loop's or the lane's). */
        ByteBuffer buffer;
        /** On a lane: the lane's selector, woken by {@link #close()}. */
        volatile Selector laneSelector;
        final AtomicBoolean ended = new AtomicBoolean();

        Session(Loop loop, DatagramChannel channel, InetSocketAddress client, String filename, Instant started,
                TftpTransfer transfer) {
            this.loop = loop;
            this.channel = channel;
            this.client = client;
            this.filename = filename;
            this.started = started;
            this.transfer = transfer;
        }

        @Override
        public ByteBuffer buffer() {
            return buffer;
        }

        @Override
        public boolean send(ByteBuffer packet) throws IOException {
            return channel.send(packet, client) > 0;
        }
    }

    /** A lookup or policy answer that ends the request with a TFTP error. */
    private static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        final int code;

        Refusal(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    /** Malformed-packet lines at FINE, at most 20 a minute, then a count of the ones left out. */
    private final class MalformedLog {
        private long windowStart;
        private int logged;
        private int suppressed;

        synchronized void log(InetSocketAddress from, String what) {
            if (!LOG.isLoggable(Level.FINE)) {
                return;
            }
            long now = clock.millis();
            if (now - windowStart >= 60_000) {
                if (suppressed > 0) {
                    LOG.fine("TFTP: " + suppressed + " more malformed packets not logged");
                }
                windowStart = now;
                logged = 0;
                suppressed = 0;
            }
            if (logged++ < 20) {
                LOG.fine("TFTP: dropped/refused packet from " + from + ": " + what);
            } else {
                suppressed++;
            }
        }
    }
}
