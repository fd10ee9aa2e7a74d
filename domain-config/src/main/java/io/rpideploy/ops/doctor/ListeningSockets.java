package io.rpideploy.ops.doctor;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The TCP sockets in LISTEN state on this host (this network namespace), from Linux's {@code /proc/net/tcp} and
 * {@code /proc/net/tcp6}: where the server's listeners are really bound, whatever the settings say now.
 */
public final class ListeningSockets {

    /** {@code st} column value of TCP_LISTEN (include/net/tcp_states.h). */
    private static final String LISTEN = "0A";

    private ListeningSockets() {
    }

    /** Empty when the files cannot be read (not Linux, no /proc in a container). */
    public static Optional<List<InetSocketAddress>> read(Path procNet) {
        List<InetSocketAddress> all = new ArrayList<>();
        boolean any = false;
        for (String file : new String[] {"tcp", "tcp6"}) {
            try {
                all.addAll(parse(Files.readString(procNet.resolve(file))));
                any = true;
            } catch (IOException missing) {
                // tcp6 is absent without IPv6; both absent: not checked
            }
        }
        return any ? Optional.of(all) : Optional.empty();
    }

    /** The listening local addresses of one file's text (header line first). */
    public static List<InetSocketAddress> parse(String text) {
        List<InetSocketAddress> sockets = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 4 || !fields[0].endsWith(":") || !LISTEN.equals(fields[3])) {
                continue;
            }
            int colon = fields[1].indexOf(':');
            if (colon < 0) {
                continue;
            }
            InetAddress address = address(fields[1].substring(0, colon));
            if (address != null) {
                sockets.add(new InetSocketAddress(address, Integer.parseInt(fields[1].substring(colon + 1), 16)));
            }
        }
        return sockets;
    }

    /**
     * The kernel prints each 32-bit word of the address in host byte order (little-endian on the machines we run
     * on); an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}, Java's dual-stack sockets) comes back as IPv4.
     */
    static InetAddress address(String hex) {
        if (hex.length() != 8 && hex.length() != 32) {
            return null;
        }
        byte[] raw = HexFormat.of().parseHex(hex);
        byte[] bytes = new byte[raw.length];
        for (int word = 0; word < raw.length; word += 4) {
            for (int i = 0; i < 4; i++) {
                bytes[word + i] = raw[word + 3 - i];
            }
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
