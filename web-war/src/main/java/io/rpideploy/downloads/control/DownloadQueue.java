package io.rpideploy.downloads.control;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Admission control for image downloads: at most {@code capacity} stream at once, the others wait in one queue in
 * order of arrival. Two kinds of client wait differently:
 * <ul>
 * <li>one that announced it can wait (our installer) is answered "not yet, you are number n" and comes back after
 * the suggested delay; when its turn comes the slot is kept for it for a while ({@code holdFor});</li>
 * <li>one that did not (the plan's script fails on any error status) is never refused: its request is held open
 * until its turn, and after {@code maxHold} it is let through anyway rather than failing.</li>
 * </ul>
 * Plain Java, no container: time comes from the injected clock; the servlet calls {@link #admit} and, when the
 * transfer ends however it ends, {@link Ticket#close()}.
 */
public final class DownloadQueue {

    private final int capacity;
    private final long holdForMillis;
    private final long maxHoldMillis;
    private final LongSupplier clock;

    private int streaming;
    private long nextId;
    /** Waiting clients in arrival order, keyed by client (a board announcing itself twice keeps its place). */
    private final Map<String, Waiter> queue = new LinkedHashMap<>();
    private final Map<Long, Active> active = new LinkedHashMap<>();

    public DownloadQueue(int capacity, Duration holdFor, Duration maxHold, LongSupplier clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
        this.holdForMillis = holdFor.toMillis();
        this.maxHoldMillis = maxHold.toMillis();
        this.clock = clock;
    }

    /**
     * A client that can wait asks to start. Either it may stream now (a ticket), or it learns its place in the
     * queue and when to ask again.
     */
    public synchronized Decision tryAdmit(String client, String file) {
        expireAbsent();
        Waiter waiter = queue.get(client);
        if (waiter == null) {
            waiter = new Waiter(client, file, clock.getAsLong(), false);
            queue.put(client, waiter);
        }
        waiter.lastSeen = clock.getAsLong();
        if (isNext(waiter) && streaming < capacity) {
            queue.remove(client);
            return new Decision(start(client, file), 0, 0);
        }
        return new Decision(null, position(waiter), retryAfterSeconds());
    }

    /**
     * A client that cannot wait: holds the calling thread until its turn (or {@code maxHold}), then always returns a
     * ticket. Interrupting the thread (server stop) lets it through as well.
     */
    public synchronized Ticket admitBlocking(String client, String file) {
        Waiter waiter = new Waiter(client + "#" + (++nextId), file, clock.getAsLong(), true);
        queue.put(waiter.key, waiter);
        long deadline = clock.getAsLong() + maxHoldMillis;
        try {
            while (!(isNext(waiter) && streaming < capacity) && clock.getAsLong() < deadline) {
                expireAbsent();
                wait(Math.max(1, Math.min(1000, deadline - clock.getAsLong())));
            }
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        } finally {
            queue.remove(waiter.key);
        }
        notifyAll(); // the one behind may be next now
        return start(client, file);
    }

    /** Who streams and who waits, for the console and /api/downloads. */
    public synchronized Snapshot snapshot() {
        expireAbsent();
        List<Entry> streamingNow = new ArrayList<>();
        for (Active a : active.values()) {
            streamingNow.add(new Entry(a.client, a.file, a.since, 0, false));
        }
        List<Entry> waiting = new ArrayList<>();
        int position = 0;
        for (Waiter w : queue.values()) {
            waiting.add(new Entry(w.client, w.file, w.since, ++position, w.blocking));
        }
        return new Snapshot(capacity, streamingNow, waiting);
    }

    private boolean isNext(Waiter waiter) {
        // the first `capacity - streaming` waiters may start; anyone behind them waits for their turn
        int free = capacity - streaming;
        int ahead = 0;
        for (Waiter w : queue.values()) {
            if (w == waiter) {
                return ahead < free;
            }
            ahead++;
        }
        return false;
    }

    private int position(Waiter waiter) {
        int position = 0;
        for (Waiter w : queue.values()) {
            position++;
            if (w == waiter) {
                return position;
            }
        }
        return position;
    }

    private long retryAfterSeconds() {
        // short enough to take a slot soon after it frees, long enough not to poll hard
        return Math.max(1, Math.min(5, holdForMillis / 4000));
    }

    /** A polling client that has not come back within holdFor has given up: it leaves the queue. */
    private void expireAbsent() {
        long now = clock.getAsLong();
        boolean removed = false;
        for (Iterator<Waiter> it = queue.values().iterator(); it.hasNext();) {
            Waiter w = it.next();
            if (!w.blocking && now - w.lastSeen > holdForMillis) {
                it.remove();
                removed = true;
            }
        }
        if (removed) {
            notifyAll();
        }
    }

    private Ticket start(String client, String file) {
        streaming++;
        long id = ++nextId;
        active.put(id, new Active(client, file, clock.getAsLong()));
        return new Ticket(id);
    }

    private synchronized void finish(long id) {
        if (active.remove(id) != null) {
            streaming--;
            notifyAll();
        }
    }

    /** Held while streaming; closing it (in a finally) frees the slot for the next in line. */
    public final class Ticket implements AutoCloseable {
        private final long id;
        private boolean closed;

        private Ticket(long id) {
            this.id = id;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                finish(id);
            }
        }
    }

    /** Either a ticket, or the place in the queue and when to ask again. */
    public record Decision(Ticket ticket, int position, long retryAfterSeconds) {
        public Optional<Ticket> admitted() {
            return Optional.ofNullable(ticket);
        }
    }

    /** One client streaming or waiting. */
    public record Entry(String client, String file, long sinceMillis, int position, boolean holdingConnection) {
    }

    public record Snapshot(int capacity, List<Entry> streaming, List<Entry> waiting) {
    }

    private static final class Waiter {
        final String key;
        final String client;
        final String file;
        final long since;
        final boolean blocking;
        long lastSeen;

        Waiter(String key, String file, long since, boolean blocking) {
            this.key = key;
            this.client = blocking ? key.substring(0, key.lastIndexOf('#')) : key;
            this.file = file;
            this.since = since;
            this.blocking = blocking;
            this.lastSeen = since;
        }
    }

    private record Active(String client, String file, long since) {
    }
}
