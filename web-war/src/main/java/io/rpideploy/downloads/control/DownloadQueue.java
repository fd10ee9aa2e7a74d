package io.rpideploy.downloads.control;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Admission control for image downloads: at most {@code capacity} clients that can wait stream at once, the others
 * wait in one queue in order of arrival. Two kinds of client are treated differently:
 * <ul>
 * <li>one that announced it can wait (our installer) is answered "not yet, you are number n" and comes back after
 * the suggested delay; when its turn comes the slot is kept for it for a while ({@code holdFor});</li>
 * <li>one that did not (the plan's script gives up after 30 s without a byte and never retries) is served at once,
 * even above capacity: the link's fair sharing between TCP connections paces it. Holding it before its first byte
 * would fail it; it counts as streaming, so clients that can wait queue behind it.</li>
 * </ul>
 * Nobody waits on a thread: a queued client is not connected at all. A transfer that makes no progress for
 * {@code writeTimeout} (a client that stopped reading) loses its slot, so stalled clients cannot block the queue.
 * Plain Java, no container: time comes from the injected clock; the servlet calls {@link #tryAdmit} or
 * {@link #admitNow}, reports {@link Ticket#progressed()} and, when the transfer ends however it ends,
 * {@link Ticket#close()}.
 */
public final class DownloadQueue {

    private static final Logger LOG = Logger.getLogger(DownloadQueue.class.getName());

    private final int capacity;
    private final long holdForMillis;
    private final long writeTimeoutMillis;
    private final LongSupplier clock;
    private final int perAddress;

    private long nextId;
    /** Waiting clients in arrival order, keyed by client (a board announcing itself twice keeps its place). */
    private final Map<String, Waiter> queue = new LinkedHashMap<>();
    private final Map<Long, Active> active = new LinkedHashMap<>();
    private long stalled;

    public DownloadQueue(int capacity, Duration holdFor, Duration writeTimeout, LongSupplier clock) {
        this(capacity, 0, holdFor, writeTimeout, clock);
    }

    /**
     * @param perAddress how many transfers one network address may have at once (0: no limit); a board needs one,
     *                   so more from one address is a client hoarding the link and the server's threads
     */
    public DownloadQueue(int capacity, int perAddress, Duration holdFor, Duration writeTimeout, LongSupplier clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
        this.holdForMillis = holdFor.toMillis();
        this.writeTimeoutMillis = writeTimeout.toMillis();
        this.clock = clock;
        this.perAddress = Math.max(0, perAddress);
    }

    /**
     * A client that can wait asks to start. Either it may stream now (a ticket), or it learns its place in the
     * queue and when to ask again.
     */
    public Decision tryAdmit(String client, String file) {
        return tryAdmit(client, null, file);
    }

    /**
     * As {@link #tryAdmit(String, String)}, from a network address ({@code null}: not limited, e.g. loopback); an
     * address already at its limit of transfers is refused ({@link Decision#addressFull()}) without a place.
     */
    public synchronized Decision tryAdmit(String client, String address, String file) {
        expire();
        if (addressFull(address)) {
            return new Decision(null, 0, retryAfterSeconds(), true);
        }
        Waiter waiter = queue.get(client);
        if (waiter == null) {
            waiter = new Waiter(client, file, clock.getAsLong());
            queue.put(client, waiter);
        }
        waiter.lastSeen = clock.getAsLong();
        if (isNext(waiter)) {
            queue.remove(client);
            return new Decision(start(client, address, file, false), 0, 0, false);
        }
        return new Decision(null, position(waiter), retryAfterSeconds(), false);
    }

    /** A client that cannot wait: streams now, above capacity if need be. */
    public Ticket admitNow(String client, String file) {
        return admitNow(client, null, file);
    }

    /** As {@link #admitNow(String, String)}; null when the address ({@code null}: not limited) is at its limit. */
    public synchronized Ticket admitNow(String client, String address, String file) {
        expire();
        if (addressFull(address)) {
            return null;
        }
        return start(client, address, file, active.size() >= capacity);
    }

    private boolean addressFull(String address) {
        if (perAddress == 0 || address == null) {
            return false;
        }
        int from = 0;
        for (Active a : active.values()) {
            if (address.equals(a.address) && ++from >= perAddress) {
                return true;
            }
        }
        return false;
    }

    /** Who streams and who waits, for the console and /api/downloads. */
    public synchronized Snapshot snapshot() {
        expire();
        List<Entry> streamingNow = new ArrayList<>();
        for (Active a : active.values()) {
            streamingNow.add(new Entry(a.client, a.file, a.since, 0, a.aboveCapacity));
        }
        List<Entry> waiting = new ArrayList<>();
        int position = 0;
        for (Waiter w : queue.values()) {
            waiting.add(new Entry(w.client, w.file, w.since, ++position, false));
        }
        return new Snapshot(capacity, streamingNow, waiting);
    }

    private boolean isNext(Waiter waiter) {
        // the first `capacity - streaming` waiters may start; anyone behind them waits for their turn
        int free = capacity - active.size();
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

    /**
     * A polling client that has not come back within holdFor has given up: it leaves the queue. A transfer without
     * progress for writeTimeout has stalled: its slot is freed (the servlet's own end of it closes nothing twice).
     */
    private void expire() {
        long now = clock.getAsLong();
        queue.values().removeIf(w -> now - w.lastSeen > holdForMillis);
        for (Iterator<Active> it = active.values().iterator(); it.hasNext();) {
            Active a = it.next();
            if (now - a.lastProgress > writeTimeoutMillis) {
                it.remove();
                stalled++;
                LOG.info(() -> "download of " + a.file + " to " + a.client + " made no progress for "
                        + writeTimeoutMillis / 1000 + " s: its slot is freed");
            }
        }
    }

    /** How many transfers lost their slot for want of progress, since start (for the health check). */
    public synchronized long stalled() {
        return stalled;
    }

    private Ticket start(String client, String address, String file, boolean aboveCapacity) {
        long id = ++nextId;
        Active a = new Active(client, address, file, clock.getAsLong(), aboveCapacity);
        active.put(id, a);
        return new Ticket(id, a);
    }

    private synchronized void finish(long id) {
        active.remove(id);
    }


    /** Held while streaming; closing it (in a finally) frees the slot for the next in line. */
    public final class Ticket implements AutoCloseable {
        private final long id;
        private final Active transfer;
        private boolean closed;

        private Ticket(long id, Active transfer) {
            this.id = id;
            this.transfer = transfer;
        }

        /** Bytes went out: the transfer is alive (called for every write: a volatile store, no lock). */
        public void progressed() {
            transfer.lastProgress = clock.getAsLong();
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
    public record Decision(Ticket ticket, int position, long retryAfterSeconds, boolean addressFull) {
        public Optional<Ticket> admitted() {
            return Optional.ofNullable(ticket);
        }
    }

    /** One client streaming (perhaps above capacity: it could not wait) or waiting. */
    public record Entry(String client, String file, long sinceMillis, int position, boolean aboveCapacity) {
    }

    public record Snapshot(int capacity, List<Entry> streaming, List<Entry> waiting) {
    }

    private static final class Waiter {
        final String client;
        final String file;
        final long since;
        long lastSeen;

        Waiter(String client, String file, long since) {
            this.client = client;
            this.file = file;
            this.since = since;
            this.lastSeen = since;
        }
    }

    private static final class Active {
        final String client;
        final String address;
        final String file;
        final long since;
        final boolean aboveCapacity;
        volatile long lastProgress;

        Active(String client, String address, String file, long since, boolean aboveCapacity) {
            this.client = client;
            this.address = address;
            this.file = file;
            this.since = since;
            this.aboveCapacity = aboveCapacity;
            this.lastProgress = since;
        }
    }
}
