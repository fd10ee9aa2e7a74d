package io.rpideploy.netboot.ra;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Carries the engines' events to the application off the packet path: a bounded queue drained in batches every
 * {@value #PERIOD_MILLIS} ms by one loop. When the application falls behind, the newest events are dropped and
 * counted (the packets were answered; only their record is lost), never the packet loop blocked.
 */
final class EventRelay<E> implements Runnable {

    private static final Logger LOG = Logger.getLogger(EventRelay.class.getName());
    static final long PERIOD_MILLIS = 250;
    static final int CAPACITY = 50_000;
    static final int BATCH = 2_000;

    private final String name;
    private final BlockingQueue<E> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final Consumer<List<E>> deliver;
    private final Runnable onExit;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean running = true;

    EventRelay(String name, Consumer<List<E>> deliver, Runnable onExit) {
        this.name = name;
        this.deliver = deliver;
        this.onExit = onExit;
    }

    void offer(E event) {
        if (running && !queue.offer(event)) {
            if (dropped.incrementAndGet() % 1000 == 1) {
                LOG.warning(name + " events dropped so far: " + dropped.get() + " (the application falls behind)");
            }
        }
    }

    long dropped() {
        return dropped.get();
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        try {
            List<E> batch = new ArrayList<>();
            while (running || !queue.isEmpty()) {
                E first = queue.poll(PERIOD_MILLIS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                try {
                    deliver.accept(List.copyOf(batch));
                } catch (RuntimeException e) {
                    LOG.warning(name + ": the application could not take " + batch.size() + " events: " + e);
                }
                batch.clear();
                if (running) {
                    Thread.sleep(PERIOD_MILLIS); // let a batch build up: one transaction per period, not per event
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            onExit.run();
        }
    }
}
