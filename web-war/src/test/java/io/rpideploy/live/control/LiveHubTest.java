package io.rpideploy.live.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveHubTest {

    private final List<String> received = new ArrayList<>();
    private long now = 10_000;
    private final LiveHub hub = new LiveHub();

    LiveHubTest() {
        hub.clock = () -> now;
        hub.join(browser(received));
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

    private static Session browser(List<String> sink) {
        return browser(sink, true);
    }

    /** A WebSocket session that records what it is sent. */
    private static Session browser(List<String> sink, boolean open) {
        RemoteEndpoint.Basic remote = (RemoteEndpoint.Basic) Proxy.newProxyInstance(LiveHubTest.class.getClassLoader(),
                new Class<?>[] {RemoteEndpoint.Basic.class}, (proxy, method, args) -> {
                    if (method.getName().equals("sendText") && args.length == 1) {
                        sink.add((String) args[0]);
                    }
                    return null;
                });
        return (Session) Proxy.newProxyInstance(LiveHubTest.class.getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "isOpen" -> open;
                    case "getBasicRemote" -> remote;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
    }
}
