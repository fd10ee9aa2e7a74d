package io.rpideploy.live.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The browsers watching live, and what is pushed to them. Messages with a coalescing key (a board's progress) are
 * sent at most once per key per second, the latest one winning, so 50 Pis reporting every few hundred milliseconds
 * cannot flood a browser; everything else (assignments, state changes) goes out at once.
 */
@ApplicationScoped
public class LiveHub {

    private static final Logger LOG = Logger.getLogger(LiveHub.class.getName());
    static final long COALESCE_MILLIS = 1000;

    private final Map<Session, Outbox> sessions = new ConcurrentHashMap<>();
    private final Map<String, String> pending = new ConcurrentHashMap<>();
    private final Map<String, Long> lastSent = new ConcurrentHashMap<>();
    /** Milliseconds now; a test replaces it to step time by hand. */
    LongSupplier clock = System::currentTimeMillis;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private ScheduledFuture<?> flusher;

    @PostConstruct
    void start() {
        flusher = scheduler.scheduleAtFixedRate(this::flushDue, COALESCE_MILLIS, COALESCE_MILLIS / 4,
                TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (flusher != null) {
            flusher.cancel(false);
        }
    }

    /**
     * Adds a watcher and tells it so: the container may complete the handshake before this runs, so a client that
     * must not miss an event waits for {@code live.joined} rather than for the socket to open.
     */
    public void join(Session session) {
        try {
            // a send the browser does not take within this time fails, and the browser is dropped
            session.getAsyncRemote().setSendTimeout(Outbox.STALL_MILLIS);
        } catch (RuntimeException notSupported) {
            LOG.log(Level.FINE, "no send timeout on this session", notSupported);
        }
        Outbox outbox = new Outbox(session, () -> clock.getAsLong(), () -> drop(session));
        sessions.put(session, outbox);
        send(session, outbox, "{\"type\":\"live.joined\"}");
    }

    public void leave(Session session) {
        sessions.remove(session);
    }

    /** Messages waiting for one browser (tests). */
    int queued(Session session) {
        Outbox outbox = sessions.get(session);
        return outbox == null ? 0 : outbox.queued();
    }

    public int watchers() {
        return sessions.size();
    }

    /** Sends now. */
    public void publish(String json) {
        if (!sessions.isEmpty()) {
            broadcast(json);
        }
    }

    /** Sends now if nothing went out for this key within the last second, else keeps only the latest for later. */
    public void publishCoalesced(String key, String json) {
        if (sessions.isEmpty()) {
            return;
        }
        long now = clock.getAsLong();
        Long last = lastSent.get(key);
        if (last == null || now - last >= COALESCE_MILLIS) {
            lastSent.put(key, now);
            pending.remove(key);
            broadcast(json);
        } else {
            pending.put(key, json);
        }
    }

    /** Forgets a key (its deployment ended): the final state is sent with {@link #publish}. */
    public void finish(String key) {
        pending.remove(key);
        lastSent.remove(key);
    }

    /** A ping to every watcher every few seconds; one that stopped answering is dropped. */
    static final long PING_MILLIS = 5_000;
    private long lastPing;

    /** The browser answered a ping. */
    public void pong(Session session) {
        Outbox outbox = sessions.get(session);
        if (outbox != null) {
            outbox.ponged();
        }
    }

    void pingDue() {
        long now = clock.getAsLong();
        if (now - lastPing < PING_MILLIS) {
            return;
        }
        lastPing = now;
        ByteBuffer payload = ByteBuffer.wrap(Long.toString(now).getBytes(StandardCharsets.US_ASCII));
        for (Map.Entry<Session, Outbox> watcher : sessions.entrySet()) {
            if (!watcher.getValue().answering(now)) {
                drop(watcher.getKey());
                continue;
            }
            try {
                watcher.getKey().getAsyncRemote().sendPing(payload.duplicate());
            } catch (IOException | RuntimeException gone) {
                drop(watcher.getKey());
            }
        }
    }

    void flushDue() {
        pingDue();
        long now = clock.getAsLong();
        for (Map.Entry<String, String> entry : pending.entrySet()) {
            Long last = lastSent.get(entry.getKey());
            if (last == null || now - last >= COALESCE_MILLIS) {
                if (pending.remove(entry.getKey(), entry.getValue())) {
                    lastSent.put(entry.getKey(), now);
                    broadcast(entry.getValue());
                }
            }
        }
    }

    private void broadcast(String json) {
        for (Map.Entry<Session, Outbox> watcher : sessions.entrySet()) {
            send(watcher.getKey(), watcher.getValue(), json);
        }
    }

    /** Queues only: never waits for a browser, so no request or TFTP answer waits for one either. */
    private void send(Session session, Outbox outbox, String json) {
        if (!session.isOpen() || !outbox.offer(json)) {
            drop(session);
        }
    }

    /** A browser that closed, failed or stalled: forgotten now, its socket closed off the caller's thread. */
    private void drop(Session session) {
        if (sessions.remove(session) == null) {
            return;
        }
        LOG.fine("live watcher dropped (closed, failed or not reading)");
        Runnable close = () -> {
            try {
                session.close(new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, "not reading"));
            } catch (IOException | RuntimeException alreadyGone) {
                // nothing more to do
            }
        };
        if (scheduler != null) {
            scheduler.execute(close);
        } else {
            close.run();
        }
    }
}
