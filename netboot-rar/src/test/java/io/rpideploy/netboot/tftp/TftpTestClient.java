package io.rpideploy.netboot.tftp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * A minimal blocking TFTP read client (windowsize 1, blksize from the options) for the engine's own tests and the
 * benchmark's latency row: it measures the server, not a client process start. Every wait is bounded.
 */
public final class TftpTestClient implements AutoCloseable {

    /** The server answered with an ERROR packet. */
    public static final class TftpErrorException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int code;

        TftpErrorException(int code, String message) {
            super("TFTP error " + code + ": " + message);
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    private final DatagramSocket socket;
    private final byte[] receive = new byte[65536 + 4];
    private final ByteBuffer send = ByteBuffer.allocate(2048);
    /** Round trips of the last {@link #get}: from each packet sent to the first packet of the transfer after it. */
    private final long[] stepNanos = new long[16];
    private int steps;
    private long sentAt;

    public TftpTestClient(int timeoutMillis) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(0));
        socket.setSoTimeout(timeoutMillis);
    }

    public int localPort() {
        return socket.getLocalPort();
    }

    /** Reads {@code filename}; {@code options} e.g. {@code Map.of("blksize", "1468")}. */
    public byte[] get(InetSocketAddress server, String filename, Map<String, String> options) throws IOException {
        TftpPacket.encodeRequest(send, false, filename, "octet", options);
        steps = 0;
        sendTo(server);
        int blockSize = 512;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InetSocketAddress tid = null;
        int expected = 1;
        int timeouts = 0;
        while (true) {
            DatagramPacket packet = new DatagramPacket(receive, receive.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                if (++timeouts > 5) {
                    throw new IOException("timed out waiting for block " + expected);
                }
                sendTo(tid == null ? server : tid);
                continue;
            }
            InetSocketAddress from = (InetSocketAddress) packet.getSocketAddress();
            if (tid == null) {
                tid = from;
            } else if (!tid.equals(from)) {
                continue;
            }
            if (steps < stepNanos.length) {
                stepNanos[steps++] = System.nanoTime() - sentAt;
            }
            TftpPacket decoded;
            try {
                decoded = TftpPacket.decode(ByteBuffer.wrap(receive, 0, packet.getLength()));
            } catch (MalformedPacketException e) {
                throw new IOException("malformed reply: " + e.getMessage());
            }
            if (decoded instanceof TftpPacket.Error error) {
                throw new TftpErrorException(error.code(), error.message());
            }
            if (decoded instanceof TftpPacket.OptionAck oack) {
                blockSize = Integer.parseInt(oack.options().getOrDefault("blksize", "512"));
                TftpPacket.encodeAck(send, 0);
                sendTo(tid);
            } else if (decoded instanceof TftpPacket.Data data) {
                if (data.block() == (expected & 0xFFFF)) {
                    out.write(receive, 4, data.length());
                    TftpPacket.encodeAck(send, data.block());
                    sendTo(tid);
                    expected++;
                    if (data.length() < blockSize) {
                        return out.toByteArray();
                    }
                }
            }
        }
    }

    /** Sends raw bytes (e.g. a malformed packet) and returns the first reply within the timeout, or null. */
    public TftpPacket exchangeRaw(InetSocketAddress server, byte[] raw) throws IOException {
        socket.send(new DatagramPacket(raw, raw.length, server));
        return receiveOne();
    }

    /** The next packet within the timeout, or null. */
    public TftpPacket receiveOne() throws IOException {
        DatagramPacket packet = new DatagramPacket(receive, receive.length);
        try {
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            return null;
        }
        try {
            return TftpPacket.decode(ByteBuffer.wrap(receive, 0, packet.getLength()));
        } catch (MalformedPacketException e) {
            throw new IOException("malformed reply: " + e.getMessage());
        }
    }

    private void sendTo(InetSocketAddress to) throws IOException {
        sentAt = System.nanoTime(); // a retransmission starts its step again
        socket.send(new DatagramPacket(send.array(), send.limit(), to));
    }

    /**
     * The round trips of the last {@link #get}, in ns, at most 16: the request to the first reply (OACK or DATA 1),
     * then each ACK to the DATA it brought. The client's side of each is in it too; compared between servers with
     * the same client, the difference is the servers'.
     */
    public long[] lastSteps() {
        return Arrays.copyOf(stepNanos, steps);
    }

    @Override
    public void close() {
        socket.close();
    }
}
