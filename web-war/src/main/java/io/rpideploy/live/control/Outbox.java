package io.rpideploy.live.control;

import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * What is waiting to go to one browser. Publishing only queues and never waits for the network: one message at a
 * time is handed to the container's asynchronous send, and the next leaves when that one has. A browser that stops
 * reading (a tablet on bad Wi-Fi, a client that never reads) therefore slows nobody: its queue holds at most
 * {@link #CAPACITY} messages, the oldest are dropped (it is told how many, so it can re-read the full state), and
 * once one send has waited {@link #STALL_MILLIS} it is given up.
 */
final class Outbox {

    static final int CAPACITY = 256;
    static final long STALL_MILLIS = 10_000;
    /** A browser that has not answered a ping for this long has stopped reading. */
    static final long PONG_MILLIS = 15_000;

    private final Session session;
    private final LongSupplier clock;
    private final Runnable onFailure;
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private volatile long lastPong;
    private boolean sending;
    private long sendingSince;
    private int dropped;

    Outbox(Session session, LongSupplier clock, Runnable onFailure) {
        this.session = session;
        this.clock = clock;
        this.onFailure = onFailure;
        this.lastPong = clock.getAsLong();
    }

    /** The browser answered a ping: it is reading. */
    void ponged() {
        lastPong = clock.getAsLong();
    }

    /**
     * Whether the browser has answered a ping lately. The container's asynchronous send completes once a message is
     * queued on the connection, so a send that never completes does not show a browser that stopped reading; an
     * unanswered ping does (browsers answer pings by themselves, RFC 6455 §5.5.2).
     */
    boolean answering(long now) {
        return now - lastPong <= PONG_MILLIS;
    }

    /** Queues a message and starts sending when idle; false when this browser has stalled and must go. */
    boolean offer(String json) {
        String next;
        synchronized (this) {
            if (sending && clock.getAsLong() - sendingSince > STALL_MILLIS) {
                return false;
            }
            if (queue.size() >= CAPACITY) {
                queue.pollFirst();
                dropped++;
            }
            queue.addLast(json);
            if (sending) {
                return true;
            }
            next = take();
        }
        send(next);
        return true;
    }

    synchronized int queued() {
        return queue.size();
    }

    /** The next message, or null (and idle) when there is none; called holding the lock. */
    private String take() {
        String next;
        if (dropped > 0) {
            next = "{\"type\":\"live.dropped\",\"count\":" + dropped + "}";
            dropped = 0;
        } else {
            next = queue.pollFirst();
        }
        sending = next != null;
        sendingSince = clock.getAsLong();
        return next;
    }

    private void send(String json) {
        try {
            session.getAsyncRemote().sendText(json, this::sent);
        } catch (RuntimeException closed) {
            onFailure.run();
        }
    }

    private void sent(SendResult result) {
        if (!result.isOK()) {
            onFailure.run();
            return;
        }
        String next;
        synchronized (this) {
            next = take();
        }
        if (next != null) {
            send(next);
        }
    }
}
