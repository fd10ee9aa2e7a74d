package io.rpideploy.ops.doctor;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the listeners are and where they should be: each one bound at its configured address (a server started
 * with other settings than the environment file now holds is caught here), the management listener kept off the
 * deployment network and the deployment listener on it, and the deployment interface present with its address.
 */
public final class ListenerChecks {

    private ListenerChecks() {
    }

    /** "listener (management)": a LISTEN socket on the configured port, at the configured address. */
    public static Finding binding(String listener, InetAddress configured, int port,
                                  Optional<List<InetSocketAddress>> listening) {
        String check = "listener (" + listener + ")";
        String wanted = text(configured) + ":" + port;
        if (listening.isEmpty()) {
            return Finding.warn(check, "cannot read /proc/net/tcp: where it is bound is not checked", null);
        }
        List<InetSocketAddress> onPort = listening.get().stream().filter(s -> s.getPort() == port).toList();
        if (onPort.isEmpty()) {
            return Finding.fail(check, "nothing listens on port " + port + " (configured " + wanted + ")",
                    "start the service (systemctl start rpi-deploy) and read its log if it does not stay up");
        }
        for (InetSocketAddress socket : onPort) {
            InetAddress bound = socket.getAddress();
            if (bound.equals(configured) || bound.isAnyLocalAddress() && configured.isAnyLocalAddress()) {
                return Finding.ok(check, "bound to " + wanted);
            }
        }
        List<String> seen = onPort.stream().map(s -> text(s.getAddress()) + ":" + s.getPort()).distinct().toList();
        return Finding.fail(check, "bound to " + String.join(", ", seen) + ", but configured " + wanted,
                "the server runs with other settings than the environment file holds now (restart it: systemctl "
                        + "restart rpi-deploy), or another program holds the port (ss -ltnp)");
    }

    /**
     * "network placement": the console and the management API belong on the management network only, the boards'
     * unauthenticated API on the deployment network only. All addresses is a warning unless explicitly allowed.
     */
    public static Finding placement(DoctorSettings s, Interfaces interfaces) {
        String check = "network placement";
        InetAddress management = s.managementAddress();
        InetAddress deployment = s.deploymentAddress();
        String now = "management " + text(management) + ", deployment " + text(deployment);
        if (s.netbootInterface().isPresent() && !management.isAnyLocalAddress()) {
            String nic = s.netbootInterface().get();
            Optional<Interfaces.Nic> holder = interfaces.holding(management);
            if (holder.isPresent() && holder.get().name().equals(nic)) {
                return Finding.fail(check, "the management address " + text(management)
                                + " is on the deployment interface " + nic + ": the boards' network reaches the console",
                        "set RPIDEPLOY_MANAGEMENT_ADDRESS to the management network's address");
            }
        }
        if (!management.isAnyLocalAddress() && management.equals(deployment) && !management.isLoopbackAddress()) {
            return Finding.fail(check, "both listeners on " + text(management)
                            + ": the console answers where the boards are",
                    "give each listener its own network's address (RPIDEPLOY_MANAGEMENT_ADDRESS, "
                            + "RPIDEPLOY_DEPLOYMENT_ADDRESS)");
        }
        List<String> wide = new ArrayList<>();
        if (management.isAnyLocalAddress()) {
            wide.add("the console and management API answer on every network, the deployment network included");
        }
        if (deployment.isAnyLocalAddress()) {
            wide.add("the boards' unauthenticated API answers on every network, the management network included");
        }
        if (wide.isEmpty()) {
            return Finding.ok(check, now);
        }
        if (s.allowAnyAddress()) {
            return Finding.ok(check, now + " (all addresses allowed by RPIDEPLOY_DOCTOR_ALLOW_ANY_ADDRESS)");
        }
        return Finding.warn(check, now + ": " + String.join("; ", wide),
                "set RPIDEPLOY_MANAGEMENT_ADDRESS and RPIDEPLOY_DEPLOYMENT_ADDRESS to each network's address, "
                        + "or RPIDEPLOY_DOCTOR_ALLOW_ANY_ADDRESS=true if this is intended");
    }

    /** "deployment interface": RPIDEPLOY_NETBOOT_INTERFACE exists, is up and holds the deployment address. */
    public static Finding deploymentInterface(DoctorSettings s, Interfaces interfaces) {
        String check = "deployment interface";
        InetAddress expected = !s.deploymentAddress().isAnyLocalAddress() ? s.deploymentAddress()
                : s.netbootServerIp().orElse(null);
        if (s.netbootInterface().isEmpty()) {
            if (s.netbootServerIp().isPresent()) {
                InetAddress ip = s.netbootServerIp().get();
                return interfaces.holding(ip)
                        .map(n -> Finding.ok(check, text(ip) + " on " + n.name() + " (TFTP only: DHCP is "
                                + "another server's)"))
                        .orElseGet(() -> Finding.fail(check, "no interface holds RPIDEPLOY_NETBOOT_SERVER_IP "
                                + text(ip), "configure the address (netplan) or correct the setting"));
            }
            return Finding.warn(check, "netboot is off: RPIDEPLOY_NETBOOT_INTERFACE is not set, so no DHCP or TFTP "
                    + "for the boards", "set RPIDEPLOY_NETBOOT_INTERFACE to the deployment network's interface");
        }
        String name = s.netbootInterface().get();
        Optional<Interfaces.Nic> nic = interfaces.byName(name);
        if (nic.isEmpty()) {
            return Finding.fail(check, "no interface " + name + " (RPIDEPLOY_NETBOOT_INTERFACE)",
                    "ip -br link shows the interfaces; correct the setting or the netplan file");
        }
        if (!nic.get().up()) {
            return Finding.fail(check, name + " is down", "ip link set " + name + " up (and see netplan)");
        }
        List<String> addresses = nic.get().addresses().stream().map(ListenerChecks::text).toList();
        if (expected != null && !nic.get().addresses().contains(expected)) {
            return Finding.fail(check, name + " does not hold " + text(expected) + " (it has "
                            + (addresses.isEmpty() ? "no address" : String.join(", ", addresses)) + ")",
                    "give " + name + " the deployment address (netplan) or correct RPIDEPLOY_DEPLOYMENT_ADDRESS");
        }
        if (nic.get().addresses().stream().noneMatch(a -> a instanceof java.net.Inet4Address)) {
            return Finding.fail(check, name + " has no IPv4 address", "give " + name + " its address (netplan)");
        }
        return Finding.ok(check, name + " up with " + String.join(", ", addresses));
    }

    static String text(InetAddress address) {
        return address.getHostAddress();
    }
}
