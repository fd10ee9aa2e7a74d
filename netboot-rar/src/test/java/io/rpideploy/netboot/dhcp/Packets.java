package io.rpideploy.netboot.dhcp;

import io.rpideploy.netboot.api.DhcpMessageType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.dhcp4java.DHCPPacket;

/** Fixtures from src/test/resources/packets and hand-built requests for the unit tests. */
final class Packets {

    private Packets() {
    }

    static byte[] fixture(String name) {
        try (InputStream in = Packets.class.getResourceAsStream("/packets/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return DhcpCodec.hex(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static DhcpRequest decode(byte[] b) {
        try {
            return DhcpCodec.decode(b, 0, b.length);
        } catch (DhcpFormatException e) {
            throw new AssertionError(e);
        }
    }

    static DhcpRequest decodeFixture(String name) {
        return decode(fixture(name));
    }

    static Inet4Address ip(String s) {
        try {
            return (Inet4Address) InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A request as a client would send it; options as (code, bytes) pairs. */
    static DhcpRequest request(DhcpMessageType type, String mac, String ciaddr, Object... options) {
        DHCPPacket p = new DHCPPacket();
        p.setOp((byte) 1);
        p.setHtype((byte) 1);
        p.setHlen((byte) 6);
        p.setXid(0x01020304);
        p.setChaddrHex(mac.replace(":", ""));
        if (ciaddr != null) {
            p.setCiaddrRaw(ip(ciaddr).getAddress());
        }
        p.setOptionRaw((byte) 53, new byte[]{(byte) type.code()});
        for (int i = 0; i < options.length; i += 2) {
            Object v = options[i + 1];
            byte[] bytes = v instanceof String s ? ip(s).getAddress() : (byte[]) v;
            p.setOptionRaw((byte) (int) (Integer) options[i], bytes);
        }
        return decode(p.serialize());
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
