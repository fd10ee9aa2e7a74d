package io.rpideploy.ops.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ListenerChecksTest {

    /** /proc/net/tcp as Linux prints it: 127.0.0.1:17610 and 0.0.0.0:22 listening, one established connection. */
    static final String TCP = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:44CA 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0
               1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1 0 100 0 0 10 0
               2: 0100007F:44CA 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0 20 4 30 10 -1
            """;
    /** /proc/net/tcp6: Java's dual-stack socket bound to ::ffff:127.0.0.1:17611, and [::]:5000. */
    static final String TCP6 = """
              sl  local_address                         remote_address                        st tx_queue rx_queue
               0: 0000000000000000FFFF00000100007F:44CB 00000000000000000000000000000000:0000 0A 00000000:00000000
               1: 00000000000000000000000000000000:1388 00000000000000000000000000000000:0000 0A 00000000:00000000
            """;

    static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void procNetTcpGivesTheListeningAddresses() throws Exception {
        List<InetSocketAddress> v4 = ListeningSockets.parse(TCP);
        assertEquals(List.of(new InetSocketAddress(ip("127.0.0.1"), 17610), new InetSocketAddress(ip("0.0.0.0"), 22)),
                v4);
        List<InetSocketAddress> v6 = ListeningSockets.parse(TCP6);
        assertEquals(new InetSocketAddress(ip("127.0.0.1"), 17611), v6.get(0), "IPv4-mapped comes back as IPv4");
        assertTrue(v6.get(1).getAddress().isAnyLocalAddress());
        assertEquals(5000, v6.get(1).getPort());
    }

    @Test
    void bindingIsOkOnlyAtTheConfiguredAddress() throws Exception {
        Optional<List<InetSocketAddress>> sockets = Optional.of(ListeningSockets.parse(TCP + TCP6));
        assertEquals(Status.OK, ListenerChecks.binding("management", ip("127.0.0.1"), 17610, sockets).status());
        assertEquals(Status.OK, ListenerChecks.binding("management", ip("0.0.0.0"), 5000, sockets).status());
        Finding wrong = ListenerChecks.binding("deployment", ip("127.0.0.2"), 17611, sockets);
        assertEquals(Status.FAIL, wrong.status());
        assertTrue(wrong.message().contains("bound to 127.0.0.1:17611, but configured 127.0.0.2:17611"),
                wrong.message());
        // configured on one address, but bound to all: answers where it should not
        assertEquals(Status.FAIL, ListenerChecks.binding("x", ip("192.168.151.1"), 22, sockets).status());
        assertEquals(Status.FAIL, ListenerChecks.binding("x", ip("127.0.0.1"), 9, sockets).status());
        assertEquals(Status.WARN, ListenerChecks.binding("x", ip("127.0.0.1"), 9, Optional.empty()).status());
    }

    static DoctorSettings settings(String management, String deployment, String netbootInterface, boolean allowAny)
            throws Exception {
        return new DoctorSettings(ip(management), 5000, ip(deployment), 5001, Path.of("/data"), Path.of("/data/images"),
                Optional.ofNullable(netbootInterface), Optional.empty(), allowAny, 8L << 30, Path.of("/opt"), true);
    }

    /** eth0 the management network, eth1 the deployment network. */
    static Interfaces lab(boolean eth1Up) throws Exception {
        Map<String, Interfaces.Nic> nics = Map.of(
                "eth0", new Interfaces.Nic("eth0", true, List.of(ip("10.0.0.5"))),
                "eth1", new Interfaces.Nic("eth1", eth1Up, List.of(ip("192.168.151.1"))));
        return new Interfaces() {
            @Override
            public Optional<Nic> byName(String name) {
                return Optional.ofNullable(nics.get(name));
            }

            @Override
            public Optional<Nic> holding(InetAddress address) {
                return nics.values().stream().filter(n -> n.addresses().contains(address)).findFirst();
            }
        };
    }

    @Test
    void placementWantsEachListenerOnItsOwnNetwork() throws Exception {
        Interfaces lab = lab(true);
        assertEquals(Status.OK, ListenerChecks.placement(settings("10.0.0.5", "192.168.151.1", "eth1", false), lab)
                .status());
        assertEquals(Status.WARN, ListenerChecks.placement(settings("0.0.0.0", "0.0.0.0", null, false), lab)
                .status());
        assertEquals(Status.OK, ListenerChecks.placement(settings("0.0.0.0", "0.0.0.0", null, true), lab).status(),
                "allowed explicitly");
        assertEquals(Status.WARN, ListenerChecks.placement(settings("0.0.0.0", "192.168.151.1", "eth1", false), lab)
                .status());
        Finding onBoards = ListenerChecks.placement(settings("192.168.151.1", "192.168.151.1", "eth1", true), lab);
        assertEquals(Status.FAIL, onBoards.status(), "the console on the boards' network is never allowed");
        assertTrue(onBoards.message().contains("deployment interface eth1"), onBoards.message());
        assertEquals(Status.FAIL, ListenerChecks.placement(settings("10.0.0.5", "10.0.0.5", null, false), lab)
                .status());
        assertEquals(Status.OK, ListenerChecks.placement(settings("127.0.0.1", "127.0.0.1", null, false), lab)
                .status(), "a laptop or test on loopback");
    }

    @Test
    void deploymentInterfaceMustExistBeUpAndHoldTheAddress() throws Exception {
        assertEquals(Status.OK, ListenerChecks.deploymentInterface(
                settings("10.0.0.5", "192.168.151.1", "eth1", false), lab(true)).status());
        assertEquals(Status.FAIL, ListenerChecks.deploymentInterface(
                settings("10.0.0.5", "192.168.151.1", "eth1", false), lab(false)).status());
        assertEquals(Status.FAIL, ListenerChecks.deploymentInterface(
                settings("10.0.0.5", "192.168.151.1", "eth7", false), lab(true)).status());
        Finding lacks = ListenerChecks.deploymentInterface(settings("10.0.0.5", "192.168.151.9", "eth1", false),
                lab(true));
        assertEquals(Status.FAIL, lacks.status());
        assertTrue(lacks.message().contains("does not hold 192.168.151.9"), lacks.message());
        assertEquals(Status.WARN, ListenerChecks.deploymentInterface(
                settings("10.0.0.5", "192.168.151.1", null, false), lab(true)).status(), "netboot off");
    }
}
