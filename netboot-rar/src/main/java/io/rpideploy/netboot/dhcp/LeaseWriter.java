package io.rpideploy.netboot.dhcp;

import io.rpideploy.netboot.api.DhcpLease;
import io.rpideploy.netboot.policy.LeaseStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Group commit for lease changes: the receive thread queues a change with what to do once it is durable (send the
 * DHCPACK); this loop takes everything queued, saves it in one {@link LeaseStore#save} (latest state per MAC), then
 * runs the callbacks. While one save runs the next batch fills, so the batch grows with the load and no packet waits
 * for a synchronous write of its own. A failed save runs the failure callbacks instead: no ACK for an unsaved lease.
 */
public final class LeaseWriter implements Runnable {

    private static final Logger LOG = Logger.getLogger(LeaseWriter.class.getName());
    static final int MAX_BATCH = 4096;

    private record Pending(DhcpLease lease, Runnable onSaved, Consumer<RuntimeException> onFailed) {
    }

    private final LeaseStore store;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile boolean started;
    private long batches;
    private long saved;

    public LeaseWriter(LeaseStore store) {
        this.store = store;
    }

    /**
     * Queues one change.
     *
     * @param onSaved  run on the writer thread after the batch holding the change was saved, or null
     * @param onFailed run when that save threw (or the writer stopped first), or null
     */
    public void submit(DhcpLease lease, Runnable onSaved, Consumer<RuntimeException> onFailed) {
        queue.add(new Pending(lease, onSaved, onFailed));
    }

    @Override
    public void run() {
        started = true;
        try {
            List<Pending> batch = new ArrayList<>();
            while (!stopping) {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                write(batch, true);
                batch.clear();
            }
            // the socket is gone: make what is queued durable, answer nobody
            queue.drainTo(batch);
            if (!batch.isEmpty()) {
                write(batch, false);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            finished.countDown();
        }
    }

    private void write(List<Pending> batch, boolean answer) {
        Map<String, DhcpLease> latest = new LinkedHashMap<>();
        for (Pending p : batch) {
            latest.remove(p.lease.mac());
            latest.put(p.lease.mac(), p.lease);
        }
        try {
            store.save(new ArrayList<>(latest.values()));
            batches++;
            saved += latest.size();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "saving " + latest.size() + " lease(s) failed; their DHCPACKs are not sent", e);
            for (Pending p : batch) {
                callSafely(p.onFailed == null ? null : () -> p.onFailed.accept(e));
            }
            return;
        }
        if (answer) {
            for (Pending p : batch) {
                callSafely(p.onSaved);
            }
        }
    }

    private static void callSafely(Runnable r) {
        if (r == null) {
            return;
        }
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "lease writer callback failed", e);
        }
    }

    /** Ends the loop after the batch in hand (queued changes are still saved); waits up to the timeout. */
    public void stop(long timeoutMillis) {
        stopping = true;
        if (started) {
            try {
                finished.await(timeoutMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Saves done so far (for the benchmark's report). */
    public long batches() {
        return batches;
    }

    public long saved() {
        return saved;
    }
}
