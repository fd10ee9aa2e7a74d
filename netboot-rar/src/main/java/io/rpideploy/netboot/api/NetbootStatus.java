package io.rpideploy.netboot.api;

import java.net.Inet4Address;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether the netboot adapter and its servers are running, readable by the application's health check. The class
 * is loaded from the rar, so the adapter and every application see the same one; that shared class is the point of
 * this static state, which nothing else in the adapter has.
 */
public final class NetbootStatus {

    /** One server's state, why, and since when. */
    public record Engine(ServerState state, String detail, Instant since) {

        /** Up, or not meant to run, or on its way: only {@code down} is a fault. */
        public boolean healthy() {
            return state != ServerState.DOWN;
        }
    }

    private static volatile Instant adapterStartedAt;
    private static volatile Inet4Address serverAddress;
    private static final Map<String, Engine> ENGINES = new ConcurrentHashMap<>();

    private NetbootStatus() {
    }

    /** Called by the resource adapter's start and stop. */
    public static void adapterRunning(Instant since) {
        adapterStartedAt = since;
        if (since == null) {
            ENGINES.clear();
            serverAddress = null;
        }
    }

    public static Optional<Instant> adapterStartedAt() {
        return Optional.ofNullable(adapterStartedAt);
    }

    /** Called by the adapter when a server ({@code dhcp}, {@code tftp}) changes state. */
    public static void engine(String name, ServerState state, String detail) {
        ENGINES.put(name, new Engine(state, detail, Instant.now()));
    }

    public static void engineGone(String name) {
        ENGINES.remove(name);
    }

    /** Called by the adapter when a server starts: this server's address as it worked it out from its settings. */
    public static void serverAddress(Inet4Address address) {
        serverAddress = address;
    }

    /**
     * This server on the deployment network as boards reach it ({@code rpideploy.netboot.server-ip}, else the TFTP
     * address, else the deployment interface's first IPv4 address), as the adapter resolved it when a server last
     * started; empty while none has, or none is configured.
     */
    public static Optional<Inet4Address> serverAddress() {
        return Optional.ofNullable(serverAddress);
    }

    /** The servers' states by name ({@code dhcp}, {@code tftp}); absent while no application activated them. */
    public static Map<String, Engine> engines() {
        return Map.copyOf(ENGINES);
    }
}
