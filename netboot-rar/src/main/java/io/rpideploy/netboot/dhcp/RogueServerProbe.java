package io.rpideploy.netboot.dhcp;

import io.rpideploy.netboot.api.DhcpMessageType;

import io.rpideploy.netboot.policy.NetbootEvents;
import io.rpideploy.netboot.udp.DeviceBoundSocket;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.dhcp4java.DHCPPacket;

/**
 * Looks for another DHCP server on the deployment network: every interval it broadcasts a DHCPDISCOVER from a
 * made-up, locally administered MAC on a client-port socket bound to the interface, and reports each OFFER whose
 * server identifier is not ours. The engine's own responder never answers that MAC.
 */
final class RogueServerProbe implements Runnable {

    private static final Logger LOG = Logger.getLogger(RogueServerProbe.class.getName());
    /** 02:.. = locally administered; "rpdhcp" would not fit, so: 02:72:70:64:68:70 ("rpdhp"). */
    static final byte[] PROBE_CHADDR = {0x02, 0x72, 0x70, 0x64, 0x68, 0x70};
    static final String PROBE_MAC = DhcpCodec.mac(PROBE_CHADDR);
    private static final Duration LISTEN = Duration.ofSeconds(3);

    private final DeviceBoundSocket socket;
    private final DhcpSettings settings;
    private final NetbootEvents events;
    private final Clock clock;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile boolean started;

    RogueServerProbe(DeviceBoundSocket socket, DhcpSettings settings, NetbootEvents events, Clock clock) {
        this.socket = socket;
        this.settings = settings;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public void run() {
        started = true;
        byte[] buffer = new byte[2048];
        byte[] from = new byte[16];
        try {
            long intervalNanos = settings.rogueCheckInterval().toNanos();
            while (!stopping) {
                int xid = ThreadLocalRandom.current().nextInt();
                try {
                    byte[] discover = discover(xid);
                    socket.send(discover, discover.length, Ipv4.BROADCAST, settings.serverPort());
                } catch (IOException e) {
                    LOG.log(Level.FINE, "rogue DHCP probe not sent: {0}", e.getMessage());
                }
                long roundEnd = System.nanoTime() + intervalNanos;
                long listenEnd = System.nanoTime() + Math.min(intervalNanos, LISTEN.toNanos());
                Set<Inet4Address> seen = new HashSet<>();
                while (!stopping && System.nanoTime() - roundEnd < 0) {
                    int n;
                    try {
                        n = socket.receive(buffer, from);
                    } catch (IOException e) {
                        LOG.log(Level.FINE, "rogue probe receive: {0}", e.getMessage());
                        n = -1;
                    }
                    if (n > 0 && n <= buffer.length && System.nanoTime() - listenEnd < 0) {
                        check(buffer, n, xid, DeviceBoundSocket.address(from), seen);
                    }
                }
            }
        } finally {
            finished.countDown();
        }
    }

    private void check(byte[] data, int length, int xid, InetSocketAddress source, Set<Inet4Address> seen) {
        DHCPPacket p;
        try {
            p = DHCPPacket.getPacket(data, 0, length, false);
        } catch (RuntimeException | AssertionError e) {
            return;
        }
        if (p.getOp() != 2 || p.getXid() != xid || p.getDHCPMessageType() == null
                || p.getDHCPMessageType() != DhcpMessageType.OFFER.code()) {
            return;
        }
        byte[] id = DhcpCodec.option(p, DhcpOption.SERVER_IDENTIFIER);
        Inet4Address server = id != null ? Ipv4.of(id) : (Inet4Address) source.getAddress();
        if (server.equals(settings.serverIp()) || !seen.add(server)) {
            return;
        }
        String mac = neighbourMac((Inet4Address) source.getAddress());
        LOG.log(Level.WARNING, "rogue DHCP server {0} ({1}) answered on {2}",
                new Object[]{server.getHostAddress(), mac, settings.interfaceName()});
        try {
            events.rogueDhcpServer(server, mac, clock.instant());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "rogue DHCP event handler failed", e);
        }
    }

    /** The sender's MAC from the kernel's neighbour table, if it is there (UDP does not show layer 2). */
    static String neighbourMac(Inet4Address address) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/net/arp"));
            for (String line : lines) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 4 && f[0].equals(address.getHostAddress()) && !f[3].equals("00:00:00:00:00:00")) {
                    return f[3].toLowerCase();
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not on Linux, or unreadable: no MAC
        }
        return null;
    }

    static byte[] discover(int xid) {
        DHCPPacket p = new DHCPPacket();
        p.setOp((byte) 1);
        p.setHtype((byte) 1);
        p.setHlen((byte) 6);
        p.setXid(xid);
        p.setFlags((short) 0x8000);
        p.setChaddr(PROBE_CHADDR);
        p.setOptionRaw(DhcpOption.MESSAGE_TYPE.tag(), new byte[]{(byte) DhcpMessageType.DISCOVER.code()});
        p.setOptionRaw(DhcpOption.PARAMETER_REQUEST_LIST.tag(), new byte[]{1, 3, 6, 54});
        return p.serialize();
    }

    void stop(long timeoutMillis) {
        stopping = true;
        socket.wakeUp();
        if (started) {
            try {
                finished.await(timeoutMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        socket.close();
    }
}
