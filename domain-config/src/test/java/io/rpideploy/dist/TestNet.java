package io.rpideploy.dist;

/**
 * The emulated boards' network: veth {@code vpi0} 10.77.9.1/24 in the root namespace (the server's netboot
 * interface) whose peer sits in namespace {@code rpdt-vpi}, bridged there ({@code br0}, 10.77.9.2/24 for the test's
 * own clients) with a tap device per guest. Nothing leaves it: the namespace has no other link and no route out.
 */
final class TestNet implements AutoCloseable {

    static final String NS = "rpdt-vpi";
    static final String HOST_IF = "vpi0";
    static final String SERVER_IP = "10.77.9.1";
    static final String NS_IP = "10.77.9.2";
    static final String TAP = "tap0";
    private static final String PEER = "vpi0p";

    private TestNet() {
    }

    static TestNet create() {
        remove(); // a run killed before its clean-up
        Cmd.must(20, "ip", "netns", "add", NS);
        Cmd.must(20, "ip", "link", "add", HOST_IF, "type", "veth", "peer", "name", PEER);
        Cmd.must(20, "ip", "link", "set", PEER, "netns", NS);
        Cmd.must(20, "ip", "addr", "add", SERVER_IP + "/24", "dev", HOST_IF);
        Cmd.must(20, "ip", "link", "set", HOST_IF, "up");
        ns("ip", "link", "set", "lo", "up");
        ns("ip", "link", "add", "br0", "type", "bridge", "stp_state", "0", "forward_delay", "0");
        ns("ip", "link", "set", PEER, "master", "br0");
        ns("ip", "tuntap", "add", "dev", TAP, "mode", "tap");
        ns("ip", "link", "set", TAP, "master", "br0");
        ns("ip", "addr", "add", NS_IP + "/24", "dev", "br0");
        for (String link : new String[] {PEER, TAP, "br0"}) {
            ns("ip", "link", "set", link, "up");
        }
        return new TestNet();
    }

    private static void ns(String... command) {
        Cmd.Result r = Cmd.inNs(NS, 20, command);
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", command) + " in " + NS + ": " + r.output());
        }
    }

    /** Removes the namespace (with the bridge, the tap and the veth peer) and the host end, if there. */
    static void remove() {
        Cmd.run(20, "ip", "netns", "del", NS);
        Cmd.run(20, "ip", "link", "del", HOST_IF);
    }

    @Override
    public void close() {
        remove();
    }
}
