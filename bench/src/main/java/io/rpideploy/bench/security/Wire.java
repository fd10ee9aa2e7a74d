package io.rpideploy.bench.security;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 spoken by hand on blocking sockets, as an attacker does: requests go out byte for byte as written (a
 * client library would not trickle a body, stop reading, or send a body it declared in another length), and answers
 * are read only as far as the caller wants. Every socket goes to 127.0.0.1, from the local address the caller
 * chooses (probes and attackers use different loopback addresses, so a per-address limit can tell them apart).
 */
final class Wire {

    static final InetAddress SERVER = InetAddress.getLoopbackAddress();
    /** Where the deployment listener is, when it is on a network of the bench's own (see {@link #network}). */
    private static volatile int networkPort = -1;
    private static volatile InetAddress networkServer;
    private static volatile Map<InetAddress, InetAddress> twins = Map.of();

    /** A status code, the header lines and the body. */
    record Answer(int status, List<String> headers, byte[] body) {

        String header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return headers.stream().filter(h -> h.toLowerCase(Locale.ROOT).startsWith(prefix))
                    .map(h -> h.substring(prefix.length()).trim()).findFirst().orElse(null);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private Wire() {
    }

    /**
     * Puts the listener on {@code port} on a network: sockets to it go to {@code server}, and a caller's loopback
     * address is replaced by its twin on that network (an address a board or an attacker there would have: loopback
     * is the server's own host, which its per-address limits leave alone).
     */
    static void network(int port, InetAddress server, Map<InetAddress, InetAddress> loopbackTwins) {
        networkServer = server;
        twins = Map.copyOf(loopbackTwins);
        networkPort = port;
    }

    /**
     * A connected socket from {@code local} to 127.0.0.1:{@code port} (or to the listener's network address, from
     * {@code local}'s twin there); reads time out after {@code readMillis}.
     */
    static Socket connect(InetAddress local, int port, int connectMillis, int readMillis, int receiveBuffer)
            throws IOException {
        InetAddress server = SERVER;
        if (port == networkPort) {
            server = networkServer;
            local = twins.getOrDefault(local, local);
        }
        Socket socket = new Socket();
        try {
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer); // before connect: it bounds the window offered
            }
            socket.setTcpNoDelay(true);
            socket.bind(new InetSocketAddress(local, 0));
            socket.connect(new InetSocketAddress(server, port), connectMillis);
            socket.setSoTimeout(readMillis);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The request head (and body, if any) as bytes; {@code Content-Length} is added for a body. */
    static byte[] request(String method, String path, int port, Map<String, String> headers, byte[] body,
                          boolean close) {
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\n");
        if (close) {
            head.append("Connection: close\r\n");
        }
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (body == null) {
            return h;
        }
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    /** One request on a fresh connection that the request closes; the whole answer is read. */
    static Answer exchange(InetAddress local, int port, byte[] request, int timeoutMillis) throws IOException {
        try (Socket socket = connect(local, port, timeoutMillis, timeoutMillis, 0)) {
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            return read(new BufferedInputStream(socket.getInputStream(), 16 * 1024), true, Integer.MAX_VALUE);
        }
    }

    /** The status line and header lines, up to the blank line. */
    static Answer readHead(InputStream in) throws IOException {
        String status = line(in);
        if (!status.startsWith("HTTP/1.") || status.length() < 12) {
            throw new IOException("not an HTTP answer: " + shorten(status));
        }
        List<String> headers = new ArrayList<>();
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            headers.add(header);
        }
        return new Answer(Integer.parseInt(status.substring(9, 12)), headers, new byte[0]);
    }

    /**
     * A whole answer: by Content-Length, chunked, or (on a connection that closes) up to the end; bodies longer than
     * {@code keep} bytes are read but not kept.
     */
    static Answer read(InputStream in, boolean untilClose, int keep) throws IOException {
        Answer head = readHead(in);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String length = head.header("Content-Length");
        String encoding = head.header("Transfer-Encoding");
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            for (long size = chunkSize(in); size > 0; size = chunkSize(in)) {
                copy(in, size, body, keep);
                line(in);
            }
            while (!line(in).isEmpty()) {
                // trailer fields
            }
        } else if (length != null) {
            copy(in, Long.parseLong(length), body, keep);
        } else if (untilClose && head.status() != 204 && head.status() != 304) {
            copy(in, Long.MAX_VALUE, body, keep);
        }
        return new Answer(head.status(), head.headers(), body.toByteArray());
    }

    private static long chunkSize(InputStream in) throws IOException {
        return Long.parseLong(line(in).split(";")[0].trim(), 16);
    }

    private static void copy(InputStream in, long n, ByteArrayOutputStream to, int keep) throws IOException {
        byte[] buffer = new byte[8192];
        long left = n;
        while (left > 0) {
            int r = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (r < 0) {
                if (n == Long.MAX_VALUE) {
                    return; // read until the end
                }
                throw new IOException("connection closed inside a body");
            }
            if (to.size() < keep) {
                to.write(buffer, 0, Math.min(r, keep - to.size()));
            }
            left -= r;
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder(64);
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed by the server");
            }
            if (c == '\n') {
                int len = s.length();
                return len > 0 && s.charAt(len - 1) == '\r' ? s.substring(0, len - 1) : s.toString();
            }
            if (s.length() > 16_384) {
                throw new IOException("header line too long");
            }
            s.append((char) c);
        }
    }

    static String shorten(String text) {
        String flat = text == null ? "" : text.replaceAll("\\s+", " ");
        return flat.length() > 100 ? flat.substring(0, 100) + "..." : flat;
    }

    static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    /**
     * One keep-alive connection for a load loop: one request at a time, reconnecting when the server has closed
     * it. Not thread-safe; {@link #close} may be called from another thread to end a blocked read.
     */
    static final class Connection implements AutoCloseable {
        private final InetAddress local;
        private final int port;
        private final int timeoutMillis;
        private volatile Socket socket;
        private InputStream in;
        private OutputStream out;

        Connection(InetAddress local, int port, int timeoutMillis) {
            this.local = local;
            this.port = port;
            this.timeoutMillis = timeoutMillis;
        }

        Answer exchange(byte[] request) throws IOException {
            boolean fresh = socket == null;
            try {
                return once(request);
            } catch (IOException e) {
                close();
                if (fresh) {
                    throw e;
                }
                return once(request); // a kept-alive connection the server had closed meanwhile
            }
        }

        private Answer once(byte[] request) throws IOException {
            if (socket == null) {
                socket = connect(local, port, timeoutMillis, timeoutMillis, 0);
                in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
                out = socket.getOutputStream();
            }
            out.write(request);
            out.flush();
            Answer answer = read(in, false, 64 * 1024);
            String connection = answer.header("Connection");
            if (connection != null && connection.equalsIgnoreCase("close")) {
                close();
            }
            return answer;
        }

        @Override
        public void close() {
            Socket s = socket;
            socket = null;
            closeQuietly(s);
        }
    }
}
