package io.rpideploy.live.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveHubTest {

    private final List<String> received = new ArrayList<>();
    private long now = 10_000;
    private final LiveHub hub = new LiveHub();

    private final Session first;

    LiveHubTest() {
        hub.clock = () -> now;
        first = browser(received);
        hub.join(first);
        assertEquals(List.of("{\"type\":\"live.joined\"}"), received, "a new watcher is told it is subscribed");
        received.clear();
    }

    @Test
    void progressOfOneBoardGoesOutAtMostOncePerSecondLatestWins() {
        hub.publishCoalesced("deployment-1", "p10");
        now += 200;
        hub.publishCoalesced("deployment-1", "p20");
        now += 200;
        hub.publishCoalesced("deployment-1", "p30");
        hub.flushDue();
        assertEquals(List.of("p10"), received);
        now += 600;
        hub.flushDue();
        assertEquals(List.of("p10", "p30"), received);
        hub.flushDue();
        assertEquals(List.of("p10", "p30"), received, "nothing new, nothing sent");
    }

    @Test
    void boardsAreCoalescedSeparatelyAndOtherMessagesGoOutAtOnce() {
        hub.publishCoalesced("deployment-1", "a1");
        hub.publishCoalesced("deployment-2", "b1");
        hub.publish("assigned");
        hub.publishCoalesced("deployment-1", "a2");
        assertEquals(List.of("a1", "b1", "assigned"), received);
        hub.finish("deployment-1");
        hub.publishCoalesced("deployment-1", "a3");
        assertEquals(List.of("a1", "b1", "assigned", "a3"), received, "a finished key starts afresh");
    }

    @Test
    void aClosedBrowserIsDropped() {
        List<String> other = new ArrayList<>();
        Session closed = browser(other, false);
        hub.join(closed);
        assertEquals(1, hub.watchers(), "closed before it was told it joined");
        hub.publish("x");
        assertEquals(1, hub.watchers());
        assertEquals(List.of(), other);
        assertEquals(List.of("x"), received);
    }

    @Test
    void aBrowserThatStopsReadingNeitherBlocksPublishersNorGrowsWithoutBound() {
        List<String> stalledSink = new ArrayList<>();
        List<SendHandler> neverCompleted = new ArrayList<>();
        Session stalled = browser(stalledSink, true, neverCompleted);
        hub.join(stalled);
        assertEquals(2, hub.watchers());
        for (int i = 0; i < 10_000; i++) {
            hub.publish("m" + i); // would block forever on a socket nobody reads if sent synchronously
        }
        assertEquals(1, stalledSink.size(), "one send in flight at a time");
        assertEquals(10_000, received.size(), "the reading browser got everything");
        assertTrue(hub.queued(stalled) <= Outbox.CAPACITY, "queue bounded: " + hub.queued(stalled));

        // the stalled browser catches up: it is first told how many messages it missed
        neverCompleted.remove(0).onResult(new SendResult());
        assertTrue(stalledSink.get(1).startsWith("{\"type\":\"live.dropped\",\"count\":"), stalledSink.get(1));

        now += Outbox.STALL_MILLIS + 1;
        hub.publish("late");
        assertEquals(1, hub.watchers(), "a browser whose send has waited too long is dropped");
    }

    @Test
    void aBrowserThatStopsAnsweringPingsIsDropped() {
        Session silent = browser(new ArrayList<>(), true, null);
        hub.join(silent);
        Session reading = browser(new ArrayList<>(), true, null);
        hub.join(reading);
        assertEquals(3, hub.watchers());
        for (int second = 0; second < 20; second++) {
            now += 1000;
            hub.pong(reading); // a browser answers every ping by itself
            hub.pong(first); // the constructor's browser too
            hub.flushDue();
        }
        assertEquals(2, hub.watchers(), "the one that never answered is gone");
    }

    private static Session browser(List<String> sink) {
        return browser(sink, true);
    }

    private static Session browser(List<String> sink, boolean open) {
        return browser(sink, open, null);
    }

    /**
     * A WebSocket session that records what it is sent; with {@code pending} non-null its sends never complete by
     * themselves (a browser that stopped reading), their handlers are kept there instead.
     */
    private static Session browser(List<String> sink, boolean open, List<SendHandler> pending) {
        RemoteEndpoint.Async remote = (RemoteEndpoint.Async) Proxy.newProxyInstance(
                LiveHubTest.class.getClassLoader(), new Class<?>[] {RemoteEndpoint.Async.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("sendText") && args.length == 2) {
                        sink.add((String) args[0]);
                        SendHandler handler = (SendHandler) args[1];
                        if (pending == null) {
                            handler.onResult(new SendResult());
                        } else {
                            pending.add(handler);
                        }
                    }
                    return null;
                });
        return (Session) Proxy.newProxyInstance(LiveHubTest.class.getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "isOpen" -> open;
                    case "getAsyncRemote" -> remote;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
    }
}
