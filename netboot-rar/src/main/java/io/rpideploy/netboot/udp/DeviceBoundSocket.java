package io.rpideploy.netboot.udp;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * An IPv4 UDP socket on {@code 0.0.0.0:port} that only sees and sends through one interface: SO_REUSEADDR,
 * SO_BROADCAST and SO_BINDTODEVICE are set before {@code bind} (stack-notes, "Interface-bound DHCP socket").
 * Everything goes through libc ("Route B"): plain NIO would need {@code --add-opens java.base/sun.nio.ch} in every
 * JVM that runs it (surefire, failsafe, exec:java, a full Payara Server) just to read the descriptor.
 * <p>
 * {@link #receive} waits at most the receive timeout, so a loop calling it can notice a stop flag. Sending is
 * thread-safe; receiving is meant for one thread.
 */
public final class DeviceBoundSocket implements AutoCloseable {

    private final String interfaceName;
    private final int port;
    private final int fd;
    private volatile boolean closed;
    private volatile boolean woken;

    private DeviceBoundSocket(String interfaceName, int port, int fd) {
        this.interfaceName = interfaceName;
        this.port = port;
        this.fd = fd;
    }

    /**
     * @throws IOException with a message naming the cause: no such interface, permission (port below 1024 needs
     *                     CAP_NET_BIND_SERVICE), address in use
     */
    public static DeviceBoundSocket open(String interfaceName, int port, Duration receiveTimeout) throws IOException {
        byte[] name = interfaceName.getBytes(StandardCharsets.US_ASCII);
        if (name.length == 0 || name.length > 15) {
            throw new IOException("invalid interface name '" + interfaceName + "' (1..15 characters)");
        }
        int fd;
        try {
            fd = Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw failure("socket()", interfaceName, port, e);
        }
        try {
            Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_REUSEADDR, intValue(1), 4);
            Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_BROADCAST, intValue(1), 4);
            try {
                // a burst of DISCOVERs (a rack of boards powering up) must not overflow the default ~200 KB
                Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, intValue(4 << 20), 4);
            } catch (LastErrorException e) {
                Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, intValue(4 << 20), 4); // capped at rmem_max
            }
            Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_SNDBUF, intValue(4 << 20), 4);
            Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, timeval(receiveTimeout), 16);
            byte[] device = new byte[name.length + 1];
            System.arraycopy(name, 0, device, 0, name.length);
            try {
                Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_BINDTODEVICE, device, device.length);
            } catch (LastErrorException e) {
                throw failure("SO_BINDTODEVICE", interfaceName, port, e);
            }
            try {
                Libc.bind(fd, sockaddr(new byte[4], port), 16);
            } catch (LastErrorException e) {
                throw failure("bind(0.0.0.0:" + port + ")", interfaceName, port, e);
            }
        } catch (IOException | RuntimeException e) {
            quietClose(fd);
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        return new DeviceBoundSocket(interfaceName, port, fd);
    }

    private static IOException failure(String call, String interfaceName, int port, LastErrorException e) {
        int errno = e.getErrorCode();
        String why = switch (errno) {
            case Libc.ENODEV -> "no such network interface '" + interfaceName + "'";
            case Libc.EACCES, Libc.EPERM -> "permission denied: UDP port " + port
                    + " needs root or CAP_NET_BIND_SERVICE";
            case Libc.EADDRINUSE -> "UDP port " + port + " on " + interfaceName
                    + " is already in use by another DHCP server or process";
            default -> Libc.strerror(errno);
        };
        return new IOException(call + " on " + interfaceName + " failed: " + why + " (errno " + errno + ")", e);
    }

    public String interfaceName() {
        return interfaceName;
    }

    public int port() {
        return port;
    }

    /**
     * Waits for one datagram up to the receive timeout.
     *
     * @param buffer where the datagram goes
     * @param from   receives the sender's {@code sockaddr_in} (16 bytes)
     * @return the datagram's real length (may exceed {@code buffer.length}: it was truncated), or -1 on timeout or
     * after {@link #close}
     */
    public int receive(byte[] buffer, byte[] from) throws IOException {
        if (closed || woken) {
            return -1;
        }
        int[] fromLength = {from.length};
        try {
            int n = (int) Libc.recvfrom(fd, buffer, buffer.length, Libc.MSG_TRUNC, from, fromLength);
            return n == 0 && woken ? -1 : n;
        } catch (LastErrorException e) {
            int errno = e.getErrorCode();
            if (errno == Libc.EAGAIN || errno == Libc.EINTR || closed) {
                return -1;
            }
            throw new IOException("recvfrom on " + interfaceName + ": " + Libc.strerror(errno), e);
        }
    }

    /** Sends one datagram out of the bound interface. */
    public void send(byte[] data, int length, Inet4Address to, int toPort) throws IOException {
        if (closed) {
            throw new IOException("socket on " + interfaceName + " is closed");
        }
        try {
            Libc.sendto(fd, data, length, 0, sockaddr(to.getAddress(), toPort), 16);
        } catch (LastErrorException e) {
            throw new IOException("sendto " + to.getHostAddress() + ":" + toPort + " on " + interfaceName + ": "
                    + Libc.strerror(e.getErrorCode()), e);
        }
    }

    /** The sender of the last {@link #receive}, from its {@code sockaddr_in}. */
    public static InetSocketAddress address(byte[] sockaddr) {
        try {
            InetAddress a = InetAddress.getByAddress(new byte[]{sockaddr[4], sockaddr[5], sockaddr[6], sockaddr[7]});
            return new InetSocketAddress(a, ((sockaddr[2] & 0xff) << 8) | (sockaddr[3] & 0xff));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Makes a thread blocked in {@link #receive} return -1 now and on every later call; the descriptor stays open
     * until {@link #close}, so it cannot be reused under that thread.
     */
    public void wakeUp() {
        if (woken || closed) {
            return;
        }
        woken = true;
        try {
            Libc.shutdown(fd, Libc.SHUT_RDWR);
        } catch (LastErrorException ignored) {
            // ENOTCONN on an unconnected UDP socket: Linux wakes the readers anyway
        }
    }

    /** Releases the descriptor; call after the receiving thread has left {@link #receive}. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        wakeUp();
        closed = true;
        quietClose(fd);
    }

    private static void quietClose(int fd) {
        try {
            Libc.close(fd);
        } catch (LastErrorException ignored) {
            // nothing left to release
        }
    }

    private static byte[] intValue(int v) {
        return new byte[]{(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    private static byte[] timeval(Duration d) {
        long sec = d.getSeconds();
        long usec = d.getNano() / 1000L;
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (sec >>> (8 * i));
            b[8 + i] = (byte) (usec >>> (8 * i));
        }
        return b;
    }

    /** {@code struct sockaddr_in}: family (host order), port (network order), address, zero padding. */
    private static byte[] sockaddr(byte[] address, int port) {
        byte[] sa = new byte[16];
        sa[0] = (byte) Libc.AF_INET;
        sa[2] = (byte) (port >>> 8);
        sa[3] = (byte) port;
        System.arraycopy(address, 0, sa, 4, 4);
        return sa;
    }
}
