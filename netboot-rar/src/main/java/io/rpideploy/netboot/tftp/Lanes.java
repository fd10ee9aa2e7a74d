package io.rpideploy.netboot.tftp;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Threads that each serve one long transfer at a time on the transfer's own socket, with no other transfer to look
 * after between a DATA and its ACK. Why: in lock-step (windowsize 1) a block costs little CPU but two wake-ups, the
 * client's and ours, and waking an idle core is the dearest part of a block whenever the scheduler puts server and
 * client on different cores, which it does when the other core is idle (docs/performance.md, TFTP). So while no
 * more transfers run than there are lanes (one per two cores), a lane may poll its socket for up to
 * {@value #POLL_NANOS} ns after sending instead of sleeping, which takes our wake-up out of the block; whether
 * polling or sleeping is faster for this client is measured as the transfer goes ({@link WaitChoice}). When it
 * sleeps it sleeps in a selector of its own, whose timeout is the transfer's retransmission timer. The lanes are
 * started once with the loops and reused, never a thread per transfer; a short transfer, or one arriving while the
 * lanes are busy or more transfers run, goes to a selector loop.
 */
final class Lanes {

    private static final Logger LOG = Logger.getLogger(TftpServer.class.getName());
    /** A transfer of fewer blocks stays on the loop that took its request: a hand-off would cost more than it saves. */
    static final long LANE_MIN_BLOCKS = 32;
    /** How long a lane polls for the client's answer before it sleeps (when polling, see {@link WaitChoice}). */
    static final long POLL_NANOS = 150_000;
    /** Marks the end of the lanes' queue. */
    private static final TransferSession STOP = new TransferSession(null, null, null, null, null);

    private final TftpServer server;
    private final Executor executor;
    private final int count;
    /** Lanes started (running or about to), lanes waiting for a transfer, and the hand-off queue between them. */
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger idle = new AtomicInteger();
    private final LinkedBlockingQueue<TransferSession> queue = new LinkedBlockingQueue<>();
    /** The transfers being served on lanes (for {@link #release()}). */
    private final Set<TransferSession> serving = ConcurrentHashMap.newKeySet();
    private final AtomicLong transfers = new AtomicLong();

    Lanes(TftpServer server, Executor executor, int count) {
        this.server = server;
        this.executor = executor;
        this.count = count;
    }

    /** Starts every lane on the executor (a lane the executor refuses is left out: its transfers stay on loops). */
    void start() {
        for (int i = 0; i < count; i++) {
            started.incrementAndGet();
            try {
                executor.execute(new Lane());
            } catch (RejectedExecutionException e) {
                started.decrementAndGet();
                LOG.log(Level.FINE, "TFTP: no thread for another lane; transfers stay on the loops", e);
            }
        }
    }

    /**
     * Claims a waiting lane for a new transfer when the transfer is long enough to be worth one and fewer than
     * {@code count} transfers run; the caller then {@link #hand hands} it over.
     */
    boolean claim(TftpTransfer transfer, int activeTransfers) {
        return transfer.blocks() >= LANE_MIN_BLOCKS && activeTransfers < count && takeIdle();
    }

    /** Gives a claimed lane its transfer. */
    void hand(TransferSession session) {
        queue.add(session);
    }

    /** Lanes waiting for a transfer. */
    int idle() {
        return idle.get();
    }

    /** Transfers a lane took so far. */
    long transfers() {
        return transfers.get();
    }

    /** Claims a lane waiting for a transfer; the lane that announced itself idle takes the next one queued. */
    private boolean takeIdle() {
        for (int waiting; (waiting = idle.get()) > 0; ) {
            if (idle.compareAndSet(waiting, waiting - 1)) {
                return true;
            }
        }
        return false;
    }

    /** Ends a lane's transfer: the lane's own thread, or the releasing one for a transfer no lane took. */
    private void end(TransferSession session) {
        if (!session.ended.compareAndSet(false, true)) {
            return;
        }
        session.transfer.fail("server stopped");
        server.ended(session);
        serving.remove(session);
    }

    /**
     * Stops the lanes: a transfer no lane took yet ends here, a lane's transfer ends on its lane when its socket
     * closes (waited for, briefly, so that its report is delivered), an idle lane takes a stop mark.
     */
    void release() {
        for (TransferSession session; (session = queue.poll()) != null; ) {
            if (session != STOP) {
                end(session);
            }
        }
        for (TransferSession session : serving) {
            TftpServer.closeQuietly(session.channel);
            Selector selector = session.laneSelector;
            if (selector != null) {
                selector.wakeup();
            }
        }
        for (int i = started.get(); i > 0; i--) {
            queue.add(STOP);
        }
        long giveUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        while (!serving.isEmpty() && System.nanoTime() < giveUp) {
            TftpServer.pause(1);
        }
    }

    /** One lane: takes a transfer from the queue, serves it to its end, and waits for the next. */
    final class Lane implements Runnable {
        private final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(TftpServer.BUFFER_BYTES);
        private final ByteBuffer sendBuffer = ByteBuffer.allocateDirect(TftpServer.BUFFER_BYTES);
        private Selector selector;

        @Override
        public void run() {
            try {
                selector = Selector.open();
                while (!server.isClosed()) {
                    idle.incrementAndGet();
                    TransferSession session = queue.take();
                    if (session == STOP) {
                        return;
                    }
                    try {
                        serve(session);
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "TFTP: unexpected failure in a transfer", e);
                        session.transfer.fail("internal error: " + e);
                    } finally {
                        end(session);
                    }
                }
            } catch (IOException e) {
                LOG.log(Level.WARNING, "TFTP: a lane stopped on a selector failure", e);
            } catch (InterruptedException e) {
                // the container took the thread back while the lane waited: no transfer may wait for it
                if (!takeIdle()) {
                    TransferSession claimed = queue.poll();
                    if (claimed != null && claimed != STOP) {
                        end(claimed);
                    }
                }
                Thread.currentThread().interrupt();
            } finally {
                started.decrementAndGet();
                if (selector != null) {
                    try {
                        selector.close();
                    } catch (IOException e) {
                        LOG.log(Level.FINE, "TFTP: closing a lane's selector failed", e);
                    }
                }
            }
        }

        private void serve(TransferSession session) throws IOException {
            TftpTransfer transfer = session.transfer;
            DatagramChannel channel = session.channel;
            session.buffer = sendBuffer;
            session.laneSelector = selector;
            serving.add(session);
            transfers.incrementAndGet();
            if (server.isClosed()) {
                // the releasing thread may have looked at the lanes' transfers before this one was added
                transfer.fail("server stopped");
                return;
            }
            SelectionKey key;
            try {
                key = channel.register(selector, SelectionKey.OP_READ);
                transfer.start(server.clock.millis(), session);
            } catch (IOException | RuntimeException e) {
                transfer.fail("cannot start: " + e);
                return;
            }
            WaitChoice choice = new WaitChoice(System.nanoTime());
            long waitingSince = System.nanoTime();
            try {
                while (!transfer.done()) {
                    SocketAddress from = channel.receive(receiveBuffer.clear());
                    if (from == null && choice.poll() && server.activeTransfers() <= count) {
                        long pollUntil = waitingSince + POLL_NANOS;
                        do {
                            Thread.onSpinWait();
                            from = channel.receive(receiveBuffer.clear());
                        } while (from == null && System.nanoTime() - pollUntil < 0);
                    }
                    if (from == null) {
                        if (transfer.blocked()) {
                            key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                        }
                        long wait = transfer.deadline() - server.clock.millis();
                        if (wait > 0) {
                            selector.select(wait);
                            selector.selectedKeys().clear();
                        }
                        if (key.isValid() && (key.interestOps() & SelectionKey.OP_WRITE) != 0) {
                            key.interestOps(SelectionKey.OP_READ);
                        }
                        if (!channel.isOpen()) {
                            transfer.fail(server.isClosed() ? "server stopped" : "socket closed");
                        } else if (transfer.blocked()) {
                            transfer.onWritable(server.clock.millis(), session);
                        } else if (wait <= 0) {
                            transfer.onTimeout(server.clock.millis(), session);
                            waitingSince = System.nanoTime();
                        }
                        continue;
                    }
                    if (session.onDatagram(from, receiveBuffer.flip(), sendBuffer, server.clock,
                            server.malformedLog)) {
                        waitingSince = System.nanoTime();
                        choice.answered(waitingSince);
                    }
                }
            } catch (ClosedChannelException e) {
                transfer.fail(server.isClosed() ? "server stopped" : "socket closed");
            } catch (IOException e) {
                transfer.fail("I/O error: " + e.getMessage());
            } finally {
                key.cancel();
                // the cancelled key leaves the selector at its next select, before the next transfer's registration
                selector.selectNow();
            }
        }
    }
}
