package io.rpideploy.netboot.dhcp;

import io.rpideploy.netboot.policy.BootPolicy;
import io.rpideploy.netboot.api.DhcpLease;
import io.rpideploy.netboot.policy.LeaseStore;
import io.rpideploy.netboot.policy.NetbootEvents;
import io.rpideploy.netboot.api.DhcpExchange;
import io.rpideploy.netboot.udp.DeviceBoundSocket;
import io.rpideploy.netboot.udp.RateLimitedLog;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The DHCPv4 server on one interface: a device-bound socket on the server port, the {@link DhcpResponder} on the
 * calling thread of {@link #run()}, the {@link LeaseWriter} (group commit; a DHCPACK leaves only after its lease was
 * saved) and, when configured, the rogue-server probe, both on the given executor. Expired leases are reclaimed
 * every few seconds from the receive loop and whenever the pool looks exhausted.
 */
public final class DhcpServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DhcpServer.class.getName());
    private static final Duration RECEIVE_TIMEOUT = Duration.ofMillis(100);
    private static final long RECLAIM_EVERY_NANOS = Duration.ofSeconds(10).toNanos();
    private static final long STOP_WAIT_MILLIS = 800;
    /** close() returns within this, whatever the loops are doing (a save in progress finishes on its own). */
    private static final long CLOSE_BUDGET_MILLIS = 900;

    private final DhcpSettings settings;
    private final BootPolicy policy;
    private final LeaseStore store;
    private final NetbootEvents events;
    private final Clock clock;
    private final Executor executor;
    private final RateLimitedLog drops = new RateLimitedLog(LOG, Level.FINE, Duration.ofSeconds(1));
    private final CountDownLatch runFinished = new CountDownLatch(1);

    private volatile DeviceBoundSocket socket;
    private volatile DhcpResponder responder;
    private volatile LeaseWriter writer;
    private volatile RogueServerProbe probe;
    private volatile boolean closing;
    private volatile boolean running;

    public DhcpServer(DhcpSettings s, BootPolicy policy, LeaseStore store, NetbootEvents events, Clock clock,
                      Executor executor) {
        this.settings = Objects.requireNonNull(s, "settings");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.store = Objects.requireNonNull(store, "store");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    /**
     * Loads the leases, binds the socket to the interface and starts the writer (and probe) loops.
     *
     * @throws IOException naming the cause: no such interface, permission denied on the port, port in use
     */
    public void open() throws IOException {
        if (socket != null || closing) {
            throw new IllegalStateException("already opened");
        }
        List<DhcpLease> leases;
        try {
            leases = store.load();
        } catch (RuntimeException e) {
            throw new IOException("loading leases failed: " + e.getMessage(), e);
        }
        DeviceBoundSocket s = DeviceBoundSocket.open(settings.interfaceName(), settings.serverPort(), RECEIVE_TIMEOUT);
        DeviceBoundSocket probeSocket = null;
        try {
            if (!settings.rogueCheckInterval().isZero()) {
                probeSocket = DeviceBoundSocket.open(settings.interfaceName(), settings.clientPort(), RECEIVE_TIMEOUT);
            }
            responder = new DhcpResponder(settings, policy, clock, leases, RogueServerProbe.PROBE_MAC);
            LeaseWriter w = new LeaseWriter(store);
            executor.execute(w);
            writer = w;
            if (probeSocket != null) {
                RogueServerProbe p = new RogueServerProbe(probeSocket, settings, events, clock);
                executor.execute(p);
                probe = p;
            }
        } catch (RuntimeException e) {
            s.close();
            if (probeSocket != null) {
                probeSocket.close();
            }
            if (writer != null) {
                writer.stop(STOP_WAIT_MILLIS);
            }
            throw new IOException("starting the DHCP loops failed: " + e, e);
        }
        socket = s;
        LOG.log(Level.INFO, "DHCP server on {0} ({1}), pool {2}..{3}, {4} lease(s) loaded", new Object[]{
                settings.interfaceName(), settings.serverIp().getHostAddress(), settings.poolStart().getHostAddress(),
                settings.poolEnd().getHostAddress(), leases.size()});
    }

    /** Serves until {@link #close()}; a bad packet or a failing policy never ends it. */
    public void run() {
        DeviceBoundSocket s = socket;
        if (s == null) {
            throw new IllegalStateException("open() first");
        }
        running = true;
        byte[] buffer = new byte[DhcpCodec.MAX_PACKET + 1];
        byte[] from = new byte[16];
        long nextReclaim = System.nanoTime() + RECLAIM_EVERY_NANOS;
        try {
            while (!closing) {
                int n;
                try {
                    n = s.receive(buffer, from);
                } catch (IOException e) {
                    if (closing) {
                        break;
                    }
                    drops.log("receive failed: " + e.getMessage());
                    n = -1;
                }
                if (n >= 0 && !closing) {
                    handle(buffer, n, from);
                }
                if (System.nanoTime() - nextReclaim > 0) {
                    nextReclaim = System.nanoTime() + RECLAIM_EVERY_NANOS;
                    persist(responder.reclaimExpired());
                }
            }
        } finally {
            running = false;
            runFinished.countDown();
        }
    }

    private void handle(byte[] buffer, int length, byte[] from) {
        DhcpRequest request;
        try {
            request = DhcpCodec.decode(buffer, 0, Math.min(length, buffer.length));
            if (length > DhcpCodec.MAX_PACKET) {
                throw new DhcpFormatException("oversized: " + length + " bytes");
            }
        } catch (DhcpFormatException e) {
            drops.log("dropped DHCP packet from " + DeviceBoundSocket.address(from) + ": " + e.getMessage());
            return;
        }
        Optional<DhcpResponder.Answer> answer;
        try {
            answer = responder.replyTo(request);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "DHCP" + request.type() + " from " + request.mac() + " failed", e);
            return;
        }
        if (answer.isEmpty()) {
            if (LOG.isLoggable(Level.FINE)) {
                LOG.fine("DHCP" + request.type() + " " + request.describe() + " -> ignored");
            }
            return;
        }
        DhcpResponder.Answer a = answer.get();
        persist(a.reclaimed());
        if (a.leaseChange() != null) {
            writer.submit(a.leaseChange(), () -> deliver(a), e -> notSaved(a, e));
        } else {
            deliver(a);
        }
    }

    /** Sends the reply (if any), logs the exchange, tells the application. */
    private void deliver(DhcpResponder.Answer a) {
        if (a.reply() != null) {
            byte[] bytes = DhcpCodec.encode(a.reply());
            try {
                socket.send(bytes, bytes.length, a.destination(), a.port());
            } catch (IOException e) {
                if (!closing) {
                    drops.log("DHCP" + a.type() + " to " + a.destination().getHostAddress() + " not sent: "
                            + e.getMessage());
                }
                return;
            }
        }
        if (LOG.isLoggable(Level.FINE)) {
            LOG.fine(a.logLine());
        }
        fire(a.exchange());
    }

    private void notSaved(DhcpResponder.Answer a, RuntimeException e) {
        DhcpExchange x = a.exchange();
        LOG.log(Level.WARNING, "{0} not sent: lease not saved ({1})", new Object[]{a.logLine(), e.toString()});
        fire(new DhcpExchange(x.at(), x.message(), null, x.client(), x.address(), "lease not saved: " + e));
    }

    private void fire(DhcpExchange x) {
        try {
            events.dhcp(x);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "DHCP event handler failed", e);
        }
    }

    private void persist(List<DhcpLease> changes) {
        for (DhcpLease l : changes) {
            writer.submit(l, null, null);
        }
    }

    private static long left(long deadline) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    /** Leases as the engine sees them now (for status pages and tests). */
    public List<DhcpLease> leases() {
        DhcpResponder r = responder;
        return r == null ? List.of() : r.leases();
    }

    /** Stops {@link #run()} and the loops on the executor, then releases the sockets (well under a second). */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_BUDGET_MILLIS);
        DeviceBoundSocket s = socket;
        if (s != null) {
            s.wakeUp();
        }
        if (running) {
            try {
                runFinished.await(left(deadline), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        RogueServerProbe p = probe;
        if (p != null) {
            p.stop(left(deadline));
        }
        LeaseWriter w = writer;
        if (w != null) {
            w.stop(left(deadline));
        }
        if (s != null) {
            s.close();
        }
    }
}
