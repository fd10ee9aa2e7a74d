package io.rpideploy.downloads.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.downloads.control.DownloadQueue.Decision;
import io.rpideploy.downloads.control.DownloadQueue.Ticket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
    void aClientThatCannotWaitIsHeldUntilASlotFrees() throws Exception {
        DownloadQueue q = new DownloadQueue(1, Duration.ofSeconds(20), Duration.ofMinutes(1), System::currentTimeMillis);
        Ticket first = q.tryAdmit("a", "x.img").ticket();
        CompletableFuture<Ticket> held = CompletableFuture.supplyAsync(() -> q.admitBlocking("plan-script", "x.img"));
        assertThrows(held);
        assertEquals(1, q.snapshot().waiting().size());
        assertTrue(q.snapshot().waiting().get(0).holdingConnection());
        first.close();
        Ticket second = held.get(5, TimeUnit.SECONDS);
        assertEquals(1, q.snapshot().streaming().size());
        second.close();
    }

    @Test
    void aClientThatCannotWaitIsNeverRefusedEvenWhenNothingFrees() throws Exception {
        DownloadQueue q = new DownloadQueue(1, Duration.ofSeconds(20), Duration.ofMillis(300),
                System::currentTimeMillis);
        q.tryAdmit("a", "x.img");
        Ticket late = CompletableFuture.supplyAsync(() -> q.admitBlocking("plan-script", "x.img"))
                .get(5, TimeUnit.SECONDS);
        assertEquals(2, q.snapshot().streaming().size(), "let through after maxHold, above capacity");
        late.close();
    }

    private static void assertThrows(CompletableFuture<?> stillWaiting) throws Exception {
        try {
            stillWaiting.get(300, TimeUnit.MILLISECONDS);
            throw new AssertionError("should still be waiting for a slot");
        } catch (TimeoutException expected) {
            // held, as it should be
        }
    }
}
