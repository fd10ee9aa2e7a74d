package io.rpideploy.netboot.dhcp;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** IPv4 addresses as ints and back. */
final class Ipv4 {

    static final Inet4Address ANY = of(0);
    static final Inet4Address BROADCAST = of(-1);

    private Ipv4() {
    }

    static int toInt(Inet4Address a) {
        byte[] b = a.getAddress();
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    static long toLong(Inet4Address a) {
        return toInt(a) & 0xffffffffL;
    }

    static Inet4Address of(int v) {
        return of(new byte[]{(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    }

    static Inet4Address of(byte[] b) {
        try {
            return (Inet4Address) InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static boolean isZero(Inet4Address a) {
        return a == null || toInt(a) == 0;
    }
}
