package io.rpideploy.netboot.ra;

import jakarta.resource.spi.UnavailableException;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The MDB endpoints of one activation, one per adapter thread: a message endpoint may be used by one thread at a
 * time (JCA 13.5.2), and the engines call from a few long-lived threads (receive loop, lease writer, event relay),
 * so each keeps its own for the activation's life instead of creating one per packet.
 */
final class Endpoints<L> {

    private final MessageEndpointFactory factory;
    private final Class<L> type;
    private final Map<Thread, MessageEndpoint> byThread = new ConcurrentHashMap<>();

    Endpoints(MessageEndpointFactory factory, Class<L> type) {
        this.factory = factory;
        this.type = type;
    }

    /** This thread's endpoint, created on first use; the application may not be ready yet (then it throws). */
    L current() {
        MessageEndpoint endpoint = byThread.get(Thread.currentThread());
        if (endpoint == null) {
            try {
                endpoint = factory.createEndpoint(null);
            } catch (UnavailableException e) {
                throw new IllegalStateException("the application's netboot endpoint is not available yet", e);
            }
            byThread.put(Thread.currentThread(), endpoint);
        }
        return type.cast(endpoint);
    }

    /** Gives back this thread's endpoint (a thread that ends). */
    void releaseCurrent() {
        MessageEndpoint endpoint = byThread.remove(Thread.currentThread());
        if (endpoint != null) {
            endpoint.release();
        }
    }

    void releaseAll() {
        byThread.values().forEach(MessageEndpoint::release);
        byThread.clear();
    }
}
