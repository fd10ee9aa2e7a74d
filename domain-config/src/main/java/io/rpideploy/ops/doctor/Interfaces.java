package io.rpideploy.ops.doctor;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** The host's network interfaces as the doctor needs them; a fixed list in the unit tests. */
public interface Interfaces {

    /** An interface: its name, whether it is up, its addresses. */
    record Nic(String name, boolean up, List<InetAddress> addresses) {
    }

    Optional<Nic> byName(String name);

    /** The interface that holds {@code address}, if any. */
    Optional<Nic> holding(InetAddress address);

    /** The JDK's view ({@link NetworkInterface}). */
    static Interfaces system() {
        return new Interfaces() {
            @Override
            public Optional<Nic> byName(String name) {
                try {
                    return Optional.ofNullable(NetworkInterface.getByName(name)).map(this::nic);
                } catch (SocketException e) {
                    return Optional.empty();
                }
            }

            @Override
            public Optional<Nic> holding(InetAddress address) {
                try {
                    return Optional.ofNullable(NetworkInterface.getByInetAddress(address)).map(this::nic);
                } catch (SocketException e) {
                    return Optional.empty();
                }
            }

            private Nic nic(NetworkInterface n) {
                boolean up;
                try {
                    up = n.isUp();
                } catch (SocketException e) {
                    up = false;
                }
                return new Nic(n.getName(), up, Collections.list(n.getInetAddresses()));
            }
        };
    }
}
