package io.rpideploy.netboot.tftp;

import io.rpideploy.netboot.api.TftpError;
import io.rpideploy.netboot.api.TftpTransferReport;
import io.rpideploy.netboot.api.TftpTransferReport.Outcome;
import io.rpideploy.netboot.policy.BootFileSource;
import io.rpideploy.netboot.policy.NetbootEvents;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A read-only TFTP server. NIO {@link Selector} loops ({@link SelectorLoop}) serve every transfer, each on its own
 * {@link DatagramChannel} (its transfer ID, RFC 1350 section 4; {@link TransferSession}), reading files at a
 * position. The caller's thread runs the first loop, which also owns the listening socket, decides on each request
 * ({@link RequestAdmission}) and calls {@link NetbootEvents} (always from that one thread); one more loop per further
 * CPU core (at most {@value #MAX_LOOPS} in all) takes a share of the transfers. Why more than one: with many
 * concurrent clients on a busy host the scheduler gives each runnable thread an equal share, and a single loop thread
 * then starves against the clients themselves. Besides the loops, {@link Lanes} (one per two cores) serve a long
 * transfer each on its own thread while few transfers run (lock-step transfers are bound by wake-up latency, not
 * CPU). The thread count is fixed, never per transfer. The loops themselves never poll: a loop polling after each
 * packet takes CPU from the client's side of the exchange. Transfer sockets are opened when their request comes, as
 * dnsmasq does: opening them ahead made no difference. The figures behind these choices are in
 * docs/performance.md (TFTP).
 */
public final class TftpServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TftpServer.class.getName());
    static final int BUFFER_BYTES = 65536;
    static final int MAX_LOOPS = 4;
    /** Lanes at most, whatever the core count (one per two cores by default). */
    static final int MAX_LANES = 8;

    private final TftpSettings settings;
    private final NetbootEvents events;
    final Clock clock;
    private final int loopCount;
    final MalformedLog malformedLog;
    private final RequestAdmission admission;
    /** Every running transfer by client address: a repeated RRQ from the same port is not a second transfer. */
    private final Map<SocketAddress, TransferSession> clients = new ConcurrentHashMap<>();
    private final AtomicInteger active = new AtomicInteger();
    private final Queue<TftpTransferReport> reports = new ConcurrentLinkedQueue<>();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private final List<SelectorLoop> loops = new ArrayList<>();
    private final Executor executor;
    private final Lanes lanes;
    /** Without a container: a daemon thread per extra loop and per lane. */
    private static final Executor OWN_THREADS = command -> {
        Thread thread = new Thread(command, command instanceof Lanes.Lane ? "tftp-lane" : "tftp-loop");
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
     * @param executor where the extra selector loops and the lanes run (one loop per further core, at most
     *                 {@value #MAX_LOOPS} in all); the resource adapter passes the container's WorkManager
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
        this.lanes = new Lanes(this, executor, Math.max(0, Math.min(MAX_LANES, lanes)));
        this.settings = Objects.requireNonNull(settings, "settings");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.loopCount = Math.max(1, Math.min(MAX_LOOPS, loopCount));
        this.malformedLog = new MalformedLog(clock);
        this.admission = new RequestAdmission(settings, Objects.requireNonNull(files, "files"), clients, active,
                malformedLog);
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
        List<SelectorLoop> opened = new ArrayList<>();
        DatagramChannel channel = DatagramChannel.open(family());
        try {
            for (int i = 0; i < loopCount; i++) {
                opened.add(new SelectorLoop(this, i, Selector.open()));
            }
            channel.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            channel.bind(bind);
            channel.configureBlocking(false);
            channel.register(opened.get(0).selector, SelectionKey.OP_READ);
        } catch (IOException e) {
            channel.close();
            for (SelectorLoop loop : opened) {
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
            for (SelectorLoop loop : loops.subList(1, loops.size())) {
                executor.execute(() -> {
                    try {
                        loop.run();
                    } finally {
                        extraLoops.countDown();
                    }
                });
            }
            lanes.start();
            loops.get(0).run();
        } finally {
            for (SelectorLoop loop : loops) {
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
        for (SelectorLoop loop : loops) {
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
        return lanes.idle();
    }

    /** Transfers a lane took so far. */
    long laneTransfers() {
        return lanes.transfers();
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * One request per wake-up: the level-triggered selector reports the listener again while requests wait, and
     * between two of them every ready transfer gets its turn (a flood cannot starve running transfers); a second
     * receive would mostly find nothing.
     */
    void onListener(SelectorLoop loop) {
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

    private void onRequest(SelectorLoop loop, InetSocketAddress client, ByteBuffer packet) {
        Instant started = clock.instant();
        RequestAdmission.Outcome outcome = admission.admit(client, packet);
        if (outcome instanceof RequestAdmission.Admitted admitted) {
            startSession(loop, client, admitted.name(), started, admitted.content(), admitted.options());
        } else if (outcome instanceof RequestAdmission.Refused refused) {
            replyFromListener(loop, client, refused.code(), refused.message());
            reports.add(report(client, refused.name(), started, 0, TftpOptions.DEFAULT_BLOCK_SIZE, 1,
                    Outcome.REFUSED, "error " + refused.code() + ": " + refused.message()));
        } else if (outcome instanceof RequestAdmission.Answered answered) {
            replyFromListener(loop, client, answered.code(), answered.message());
        }
    }

    /** Opens the transfer's socket here, then hands the transfer to a lane or to the least busy loop. */
    private void startSession(SelectorLoop loop, InetSocketAddress client, String name, Instant started,
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
        TransferSession session = new TransferSession(channel, client, name, started, transfer);
        if (lanes.claim(transfer, active.get())) {
            clients.put(client, session);
            active.incrementAndGet();
            lanes.hand(session);
            return;
        }
        SelectorLoop target = loop;
        for (SelectorLoop candidate : loops) {
            if (candidate.load.get() < target.load.get()) {
                target = candidate;
            }
        }
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

    /** A transfer has ended (on its loop or its lane): it frees its client address and socket and is reported. */
    void ended(TransferSession session) {
        TftpTransfer transfer = session.transfer;
        clients.remove(session.client, session);
        active.decrementAndGet();
        closeQuietly(session.channel);
        reports.add(report(session.client, session.filename, session.started, transfer.bytesAcknowledged(),
                transfer.blockSize(), transfer.windowSize(), transfer.outcome(), transfer.detail()));
    }

    private void replyFromListener(SelectorLoop loop, InetSocketAddress client, int code, String message) {
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

    void deliverReports() {
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
        for (SelectorLoop loop : loops) {
            loop.release();
        }
        lanes.release();
        closeQuietly(listener);
        deliverReports();
    }

    static void closeQuietly(DatagramChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.log(Level.FINE, "TFTP: closing a socket failed", e);
            }
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
