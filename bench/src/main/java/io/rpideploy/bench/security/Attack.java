package io.rpideploy.bench.security;

import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * One attack on availability: started, left running while the probes measure, then stopped. Every loop of an
 * attack is bounded in count and ends at its hard deadline even if {@link #close} were never called; closing ends
 * every connection it opened (a thread blocked in a read or write on one returns at once) and waits for its threads.
 */
abstract class Attack implements AutoCloseable {

    /** Where an attack goes and what it may use. */
    record Target(InetAddress attacker, int management, int deployment, String imagePath, String adminAuthorization,
                  String venue, Supplier<String> nextSerial) {
    }

    final String name;
    final Target target;
    protected final AtomicBoolean stop = new AtomicBoolean();
    protected final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private final Map<String, Integer> errors = new ConcurrentHashMap<>();
    /** Set by {@link #begin}: no loop of this attack runs past it. */
    protected long deadline;
    protected long startedNanos;

    Attack(String name, Target target) {
        this.name = name;
        this.target = target;
    }

    /** Starts the attack's threads and returns; they run until {@link #close} or {@code hardDeadline}. */
    final void begin(long hardDeadline) throws Exception {
        deadline = hardDeadline;
        startedNanos = System.nanoTime();
        start();
    }

    protected abstract void start() throws Exception;

    /** What the attack has done, for the report; called after {@link #close}. */
    abstract String stats();

    /** A look at the server while the attack still runs (called just before {@link #close}); empty if none. */
    String observe() {
        return "";
    }

    protected final boolean running() {
        return !stop.get() && System.nanoTime() < deadline;
    }

    protected final double seconds() {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    protected final void spawn(String threadName, Runnable body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (RuntimeException e) {
                error(e);
            }
        }, threadName);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    protected final Socket track(Socket socket) {
        sockets.add(socket);
        return socket;
    }

    protected final void untrack(Socket socket) {
        sockets.remove(socket);
        Wire.closeQuietly(socket);
    }

    protected final void error(Exception e) {
        errors.merge(e.getClass().getSimpleName(), 1, Integer::sum);
    }

    protected final String errors() {
        return errors.isEmpty() ? "none" : new TreeMap<>(errors).toString();
    }

    /** Sleeps up to {@code millis}, waking early when the attack is stopped. */
    protected final void pause(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (running() && System.nanoTime() < end) {
            try {
                Thread.sleep(Math.min(100, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Ends the attack: every connection closed, every thread joined (bounded). */
    @Override
    public void close() {
        stop.set(true);
        for (Socket socket : List.copyOf(sockets)) {
            untrack(socket);
        }
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            try {
                t.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (t.isAlive()) {
                System.err.println("benchmark: " + t.getName() + " still runs after the attack was closed");
            }
        }
        for (Socket socket : List.copyOf(sockets)) { // opened by a thread after the first sweep
            untrack(socket);
        }
    }
}
