package io.rpideploy.live.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
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

    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
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
        sessions.add(session);
        send(session, "{\"type\":\"live.joined\"}");
    }

    public void leave(Session session) {
        sessions.remove(session);
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

    void flushDue() {
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
        for (Session session : sessions) {
            send(session, json);
        }
    }

    private void send(Session session, String json) {
        if (!session.isOpen()) {
            sessions.remove(session);
            return;
        }
        // one send at a time per session: the container's remote endpoints are not thread-safe
        synchronized (session) {
            try {
                session.getBasicRemote().sendText(json);
            } catch (IOException | IllegalStateException gone) {
                LOG.log(Level.FINE, "live session closed while sending", gone);
                sessions.remove(session);
            }
        }
    }
}
