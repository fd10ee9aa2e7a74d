package io.rpideploy.netboot.udp;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * The few libc calls a device-bound UDP socket needs, as JNA direct mappings (Linux x86_64/aarch64 constants).
 * Direct mapping costs about as much as NIO per packet (stack-notes, "Cost") and needs no {@code --add-opens}.
 */
final class Libc {

    static final int AF_INET = 2;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SO_REUSEADDR = 2;
    static final int SO_BROADCAST = 6;
    static final int SO_RCVBUF = 8;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVTIMEO = 20;
    static final int SO_RCVBUFFORCE = 33;
    static final int SO_BINDTODEVICE = 25;
    static final int MSG_TRUNC = 0x20;
    static final int SHUT_RDWR = 2;

    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int ENODEV = 19;
    static final int EPERM = 1;
    static final int EADDRINUSE = 98;
    static final int EADDRNOTAVAIL = 99;

    static {
        Native.register(Libc.class, NativeLibrary.getInstance("c"));
    }

    private Libc() {
    }

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int setsockopt(int fd, int level, int name, byte[] value, int length) throws LastErrorException;

    static native int bind(int fd, byte[] sockaddr, int length) throws LastErrorException;

    static native long recvfrom(int fd, byte[] buffer, long length, int flags, byte[] from, int[] fromLength)
            throws LastErrorException;

    static native long sendto(int fd, byte[] buffer, long length, int flags, byte[] to, int toLength)
            throws LastErrorException;

    static native int shutdown(int fd, int how) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native String strerror(int errno);
}
