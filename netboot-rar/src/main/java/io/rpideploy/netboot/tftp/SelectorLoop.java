package io.rpideploy.netboot.tftp;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One selector thread's transfers; all of a transfer's work happens on its loop's thread. The first loop (index 0)
 * also owns the listening socket and hands the server's reports to {@code NetbootEvents}. A loop never polls: it
 * sleeps in its selector until a packet, a hand-off or its retransmission timer tick.
 */
final class SelectorLoop {

    private static final Logger LOG = Logger.getLogger(TftpServer.class.getName());
    /** How often the retransmission timers are looked at; timeouts are whole seconds, so 20 ms is fine-grained. */
    private static final long TIMER_TICK_MILLIS = 20;

    final int index;
    final Selector selector;
    final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(TftpServer.BUFFER_BYTES);
    final ByteBuffer sendBuffer = ByteBuffer.allocateDirect(TftpServer.BUFFER_BYTES);
    /** Transfers handed to this loop by the first one, adopted on this loop's thread. */
    final Queue<TransferSession> pending = new ConcurrentLinkedQueue<>();
    /** Transfers this loop serves or is about to (for choosing the least busy loop). */
    final AtomicInteger load = new AtomicInteger();
    private final TftpServer server;
    private final Map<SocketAddress, TransferSession> sessions = new HashMap<>();
    private long nextTimerCheck;
    private boolean releasedHere;

    SelectorLoop(TftpServer server, int index, Selector selector) {
        this.server = server;
        this.index = index;
        this.selector = selector;
    }

    void run() {
        try {
            nextTimerCheck = server.clock.millis() + TIMER_TICK_MILLIS;
            while (!server.isClosed()) {
                long wait = Math.max(1, Math.min(nextTimerCheck - server.clock.millis(), 200));
                try {
                    selector.select(this::onReady, wait);
                } catch (ClosedSelectorException e) {
                    break;
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "TFTP selector failed; continuing", e);
                    TftpServer.pause(50);
                }
                for (TransferSession session; (session = pending.poll()) != null; ) {
                    adopt(session);
                }
                long now = server.clock.millis();
                if (now >= nextTimerCheck) {
                    checkTimers(now);
                    nextTimerCheck = now + TIMER_TICK_MILLIS;
                }
                if (index == 0) {
                    server.deliverReports();
                }
            }
        } finally {
            release();
        }
    }

    /** Registers a new transfer with this loop and sends its first packet (OACK or DATA). */
    void adopt(TransferSession session) {
        session.buffer = sendBuffer;
        sessions.put(session.client, session);
        try {
            session.key = session.channel.register(selector, SelectionKey.OP_READ, session);
            session.transfer.start(server.clock.millis(), session);
        } catch (IOException | RuntimeException e) {
            session.transfer.fail("cannot start: " + e);
        }
        afterEvent(session);
    }

    private void onReady(SelectionKey key) {
        try {
            if (key.attachment() instanceof TransferSession session) {
                onSession(session, key);
            } else {
                server.onListener(this);
            }
        } catch (RuntimeException e) {
            // never let one packet end the loop
            LOG.log(Level.WARNING, "TFTP: unexpected failure handling a packet", e);
        }
    }

    private void onSession(TransferSession session, SelectionKey key) {
        TftpTransfer transfer = session.transfer;
        try {
            if (key.isValid() && key.isWritable()) {
                transfer.onWritable(server.clock.millis(), session);
            }
            if (key.isValid() && key.isReadable()) {
                // one datagram per wake-up: a transfer's client has at most one packet in flight, and the
                // level-triggered selector reports a second one again (saves a recvfrom that finds nothing)
                receiveBuffer.clear();
                SocketAddress from = session.channel.receive(receiveBuffer);
                if (from != null) {
                    session.onDatagram(from, receiveBuffer.flip(), sendBuffer, server.clock, server.malformedLog);
                }
            }
        } catch (IOException e) {
            transfer.fail("I/O error: " + e.getMessage());
        }
        afterEvent(session);
    }

    private void checkTimers(long now) {
        if (sessions.isEmpty()) {
            return;
        }
        List<TransferSession> due = null;
        for (TransferSession session : sessions.values()) {
            if (now >= session.transfer.deadline()) {
                if (due == null) {
                    due = new ArrayList<>();
                }
                due.add(session);
            }
        }
        if (due == null) {
            return;
        }
        for (TransferSession session : due) {
            try {
                session.transfer.onTimeout(now, session);
            } catch (IOException e) {
                session.transfer.fail("I/O error: " + e.getMessage());
            }
            afterEvent(session);
        }
    }

    /** Ends a finished session, or asks for OP_WRITE while a full send buffer holds its window back. */
    private void afterEvent(TransferSession session) {
        TftpTransfer transfer = session.transfer;
        if (transfer.done()) {
            if (sessions.remove(session.client, session)) {
                load.decrementAndGet();
                server.ended(session);
            }
            return;
        }
        if (session.key != null && session.key.isValid()) {
            int ops = SelectionKey.OP_READ | (transfer.blocked() ? SelectionKey.OP_WRITE : 0);
            if (session.key.interestOps() != ops) {
                session.key.interestOps(ops);
            }
        }
    }

    /** Ends this loop's transfers (reported FAILED) and closes its selector; on its own thread if it ran. */
    synchronized void release() {
        if (releasedHere) {
            return;
        }
        releasedHere = true;
        for (TransferSession session; (session = pending.poll()) != null; ) {
            sessions.put(session.client, session);
        }
        for (TransferSession session : new ArrayList<>(sessions.values())) {
            session.transfer.fail("server stopped");
            afterEvent(session);
        }
        try {
            selector.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "TFTP: closing a selector failed", e);
        }
    }
}
