package io.rpideploy.downloads.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.downloads.control.DownloadQueue.Decision;
import io.rpideploy.downloads.control.DownloadQueue.Ticket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DownloadQueueTest {

    private long now = 1_000_000;

    private DownloadQueue queue(int capacity) {
        return new DownloadQueue(capacity, Duration.ofSeconds(20), Duration.ofMinutes(10), () -> now);
    }

    @Test
    void beyondCapacityClientsWaitInOrderOfArrival() {
        DownloadQueue q = queue(2);
        Ticket a = q.tryAdmit("a", "x.img").ticket();
        Ticket b = q.tryAdmit("b", "x.img").ticket();
        assertTrue(a != null && b != null);
        Decision c = q.tryAdmit("c", "x.img");
        Decision d = q.tryAdmit("d", "x.img");
        assertFalse(c.admitted().isPresent());
        assertEquals(1, c.position());
        assertEquals(2, d.position());
        assertTrue(c.retryAfterSeconds() >= 1);

        a.close();
        assertFalse(q.tryAdmit("d", "x.img").admitted().isPresent(), "d may not overtake c");
        assertTrue(q.tryAdmit("c", "x.img").admitted().isPresent(), "the freed slot was kept for c");
        assertEquals(1, q.tryAdmit("d", "x.img").position());
        b.close();
        assertTrue(q.tryAdmit("d", "x.img").admitted().isPresent());
    }

    @Test
    void askingAgainKeepsTheSamePlace() {
        DownloadQueue q = queue(1);
        q.tryAdmit("a", "x.img");
        q.tryAdmit("b", "x.img");
        q.tryAdmit("c", "x.img");
        assertEquals(1, q.tryAdmit("b", "x.img").position());
        assertEquals(2, q.tryAdmit("c", "x.img").position());
    }

    @Test
    void aClientThatDoesNotComeBackLosesItsPlace() {
        DownloadQueue q = queue(1);
        Ticket a = q.tryAdmit("a", "x.img").ticket();
        q.tryAdmit("gone", "x.img");
        q.tryAdmit("d", "x.img");
        a.close();
        now += Duration.ofSeconds(21).toMillis();
        assertTrue(q.tryAdmit("d", "x.img").admitted().isPresent());
        assertEquals(0, q.snapshot().waiting().size());
    }

    @Test
    void closingATicketTwiceFreesOneSlotOnly() {
        DownloadQueue q = queue(1);
        Ticket a = q.tryAdmit("a", "x.img").ticket();
        a.close();
        a.close();
        Ticket b = q.tryAdmit("b", "x.img").ticket();
        assertTrue(b != null);
        assertFalse(q.tryAdmit("c", "x.img").admitted().isPresent(), "a's second close freed nothing more");
        b.close();
        assertEquals(0, q.snapshot().streaming().size());
    }

    @Test
    void aClientThatCannotWaitStreamsAtOnceAndTheOnesThatCanQueueBehindIt() {
        DownloadQueue q = queue(1);
        Ticket ours = q.tryAdmit("ours", "x.img").ticket();
        Ticket plan1 = q.admitNow("plan-1", "x.img");
        Ticket plan2 = q.admitNow("plan-2", "x.img");
        DownloadQueue.Snapshot s = q.snapshot();
        assertEquals(3, s.streaming().size(), "served at once, above capacity: never held before its first byte");
        assertEquals(List.of(false, true, true), s.streaming().stream().map(DownloadQueue.Entry::aboveCapacity)
                .toList());
        ours.close();
        assertFalse(q.tryAdmit("waits", "x.img").admitted().isPresent(), "the slots are taken by the plan's");
        plan1.close();
        assertFalse(q.tryAdmit("waits", "x.img").admitted().isPresent(), "one still streams: capacity 1 is used");
        plan2.close();
        assertTrue(q.tryAdmit("waits", "x.img").admitted().isPresent());
    }

    @Test
    void aTransferWithoutProgressLosesItsSlotAfterTheWriteTimeout() {
        DownloadQueue q = new DownloadQueue(2, Duration.ofSeconds(20), Duration.ofSeconds(60), () -> now);
        Ticket stalled = q.tryAdmit("reads-64k-and-stops", "x.img").ticket();
        Ticket busy = q.tryAdmit("busy", "x.img").ticket();
        assertFalse(q.tryAdmit("next", "x.img").admitted().isPresent());
        for (int i = 0; i < 7; i++) { // 70 s: the busy one keeps writing, the stalled one does not
            now += 10_000;
            busy.progressed();
        }
        Ticket next = q.tryAdmit("next", "x.img").ticket();
        assertTrue(next != null, "the stalled transfer's slot went to the next in line");
        assertEquals(1, q.stalled());
        assertEquals(List.of("busy", "next"), q.snapshot().streaming().stream().map(DownloadQueue.Entry::client)
                .toList());
        stalled.close(); // the servlet's own close later frees nothing more
        assertFalse(q.tryAdmit("another", "x.img").admitted().isPresent());
    }

    @Test
    void tenStalledClientsThatCannotWaitDoNotBlockTheQueueForever() {
        DownloadQueue q = queue(3);
        List<Ticket> stalled = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            stalled.add(q.admitNow("stalled-" + i, "x.img"));
        }
        assertFalse(q.tryAdmit("ours", "x.img").admitted().isPresent());
        now += Duration.ofMinutes(11).toMillis();
        assertTrue(q.tryAdmit("ours", "x.img").admitted().isPresent(), "every stalled slot was freed");
        assertEquals(10, q.stalled());
        stalled.forEach(Ticket::close);
    }

    @Test
    void oneAddressGetsAtMostItsShareOfTransfersWhicheverWayItAsks() {
        DownloadQueue q = new DownloadQueue(10, 2, Duration.ofSeconds(20), Duration.ofMinutes(10), () -> now);
        Ticket first = q.admitNow("a-1", "10.0.0.5", "x.img");
        Ticket second = q.tryAdmit("a-2", "10.0.0.5", "x.img").ticket();
        assertTrue(first != null && second != null);
        assertEquals(null, q.admitNow("a-3", "10.0.0.5", "x.img"), "a third stream from one address is refused");
        DownloadQueue.Decision queued = q.tryAdmit("a-4", "10.0.0.5", "x.img");
        assertTrue(queued.addressFull() && queued.admitted().isEmpty(), "and gets no place in the queue either");
        assertEquals(0, q.snapshot().waiting().size());
        assertTrue(q.admitNow("b-1", "10.0.0.6", "x.img") != null, "another address is not affected");
        assertTrue(q.admitNow("local", null, "x.img") != null, "an unlimited address (loopback) is not counted");
        first.close();
        assertTrue(q.admitNow("a-3", "10.0.0.5", "x.img") != null, "room again once one ended");
    }
}
