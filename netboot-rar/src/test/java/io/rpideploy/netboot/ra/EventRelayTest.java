package io.rpideploy.netboot.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventRelayTest {

    @Test
    void eventsArriveInOrderInFewBatchesAndTheRestIsDeliveredOnStop() throws Exception {
        List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        CountDownLatch exited = new CountDownLatch(1);
        EventRelay<Integer> relay = new EventRelay<>("test", batches::add, exited::countDown);
        Thread loop = new Thread(relay);
        loop.start();
        for (int i = 0; i < 5_000; i++) {
            relay.offer(i);
        }
        relay.stop();
        assertTrue(exited.await(10, TimeUnit.SECONDS), "the loop ends after stop");
        List<Integer> all = new ArrayList<>();
        batches.forEach(all::addAll);
        assertEquals(5_000, all.size());
        for (int i = 0; i < all.size(); i++) {
            assertEquals(i, all.get(i));
        }
        assertTrue(batches.size() <= 5, "batched, not one call per event: " + batches.size());
        assertEquals(0, relay.dropped());
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlockingThePacketLoop() {
        EventRelay<Integer> relay = new EventRelay<>("test", batch -> { }, () -> { });
        long start = System.nanoTime();
        for (int i = 0; i < EventRelay.CAPACITY + 10; i++) {
            relay.offer(i); // nobody drains
        }
        assertEquals(10, relay.dropped());
        assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 5, "never waits for room");
    }

    @Test
    void anApplicationFailureLosesThatBatchOnlyAndTheLoopGoesOn() throws Exception {
        List<Integer> delivered = new CopyOnWriteArrayList<>();
        CountDownLatch exited = new CountDownLatch(1);
        EventRelay<Integer> relay = new EventRelay<>("test", batch -> {
            if (batch.contains(1)) {
                throw new IllegalStateException("database locked");
            }
            delivered.addAll(batch);
        }, exited::countDown);
        Thread loop = new Thread(relay);
        loop.start();
        relay.offer(1);
        Thread.sleep(3 * EventRelay.PERIOD_MILLIS);
        relay.offer(2);
        relay.stop();
        assertTrue(exited.await(10, TimeUnit.SECONDS));
        assertEquals(List.of(2), delivered);
    }
}
