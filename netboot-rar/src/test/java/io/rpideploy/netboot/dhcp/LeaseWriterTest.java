package io.rpideploy.netboot.dhcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.netboot.api.ClientKind;
import io.rpideploy.netboot.api.DhcpLease;
import io.rpideploy.netboot.policy.LeaseStore;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LeaseWriterTest {

    static DhcpLease lease(String mac, int last) {
        return new DhcpLease(mac, Packets.ip("10.66.0." + last), DhcpLease.State.BOUND, Instant.EPOCH.plusSeconds(99),
                Instant.EPOCH, ClientKind.OTHER, null, null);
    }

    @Test
    void ackRunsOnlyAfterItsBatchWasSavedAndWaitingChangesAreBatchedLatestPerMac() throws Exception {
        CountDownLatch firstSaveEntered = new CountDownLatch(1);
        CountDownLatch releaseFirstSave = new CountDownLatch(1);
        List<List<DhcpLease>> saves = new CopyOnWriteArrayList<>();
        LeaseStore store = new LeaseStore() {
            public List<DhcpLease> load() {
                return List.of();
            }

            public void save(List<DhcpLease> changes) {
                saves.add(List.copyOf(changes));
                if (saves.size() == 1) {
                    firstSaveEntered.countDown();
                    await(releaseFirstSave);
                }
            }
        };
        LeaseWriter w = new LeaseWriter(store);
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            ex.execute(w);
            List<String> acks = new CopyOnWriteArrayList<>();
            w.submit(lease("02:00:00:00:00:01", 100), () -> acks.add("a"), null);
            assertTrue(firstSaveEntered.await(2, TimeUnit.SECONDS));
            w.submit(lease("02:00:00:00:00:02", 101), () -> acks.add("b"), null);
            w.submit(lease("02:00:00:00:00:03", 102), () -> acks.add("c"), null);
            w.submit(lease("02:00:00:00:00:02", 103), () -> acks.add("b2"), null);
            Thread.sleep(100);
            assertEquals(List.of(), acks, "no ACK before the save returned");
            releaseFirstSave.countDown();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (acks.size() < 4 && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            assertEquals(List.of("a", "b", "c", "b2"), acks);
            assertEquals(2, saves.size(), "one group commit for the three waiting changes");
            assertEquals(List.of(lease("02:00:00:00:00:03", 102), lease("02:00:00:00:00:02", 103)), saves.get(1));
        } finally {
            w.stop(1000);
            ex.shutdownNow();
        }
    }

    @Test
    void failedSaveSendsNoAck() throws Exception {
        LeaseStore store = new LeaseStore() {
            public List<DhcpLease> load() {
                return List.of();
            }

            public void save(List<DhcpLease> changes) {
                throw new IllegalStateException("disk full");
            }
        };
        LeaseWriter w = new LeaseWriter(store);
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            ex.execute(w);
            List<String> acks = new CopyOnWriteArrayList<>();
            CountDownLatch failed = new CountDownLatch(1);
            w.submit(lease("02:00:00:00:00:01", 100), () -> acks.add("a"), e -> failed.countDown());
            assertTrue(failed.await(2, TimeUnit.SECONDS));
            Thread.sleep(50);
            assertEquals(List.of(), acks);
        } finally {
            w.stop(1000);
            ex.shutdownNow();
        }
        assertTrue(ex.awaitTermination(1, TimeUnit.SECONDS), "the loop ended on stop");
    }

    private static void await(CountDownLatch l) {
        try {
            l.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
