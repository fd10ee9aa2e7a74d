package io.rpideploy.ops.doctor;

import io.rpideploy.ops.OpsEnvironment;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The settings the doctor compares the running server against, read from the same RPIDEPLOY_* variables and with
 * the same defaults as {@code bin/rpideploy} and the application.
 */
public record DoctorSettings(InetAddress managementAddress, int managementPort, InetAddress deploymentAddress,
                             int deploymentPort, Path home, Path imagesDir, Optional<String> netbootInterface,
                             Optional<InetAddress> netbootServerIp, boolean allowAnyAddress, long minFreeBytes,
                             Path distribution, boolean rogueProbing) {

    /** Below this the doctor warns about free disk (RPIDEPLOY_DOCTOR_MIN_FREE_GIB): an image and its raw copy. */
    static final long DEFAULT_MIN_FREE_GIB = 8;

    public static DoctorSettings from(OpsEnvironment env) {
        Path home = env.home();
        return new DoctorSettings(
                address(env, "RPIDEPLOY_MANAGEMENT_ADDRESS", "0.0.0.0"),
                port(env, "RPIDEPLOY_MANAGEMENT_PORT", 5000),
                address(env, "RPIDEPLOY_DEPLOYMENT_ADDRESS", "0.0.0.0"),
                port(env, "RPIDEPLOY_DEPLOYMENT_PORT", 5001),
                home,
                env.get("RPIDEPLOY_IMAGES_DIR").map(Path::of).orElse(home.resolve("images")).toAbsolutePath()
                        .normalize(),
                env.get("RPIDEPLOY_NETBOOT_INTERFACE"),
                env.get("RPIDEPLOY_NETBOOT_SERVER_IP").map(v -> parse("RPIDEPLOY_NETBOOT_SERVER_IP", v)),
                Boolean.parseBoolean(env.get("RPIDEPLOY_DOCTOR_ALLOW_ANY_ADDRESS", "false").toLowerCase(Locale.ROOT)),
                gib(env.get("RPIDEPLOY_DOCTOR_MIN_FREE_GIB", String.valueOf(DEFAULT_MIN_FREE_GIB))),
                env.distribution(),
                RogueDhcp.probing(env.get("RPIDEPLOY_NETBOOT_ROGUE_CHECK_INTERVAL", "5m")));
    }

    public Path database() {
        return home.resolve("rpideploy.db");
    }

    private static InetAddress address(OpsEnvironment env, String name, String fallback) {
        return parse(name, env.get(name, fallback));
    }

    /** Only literal addresses: the doctor must not wait on DNS, and the server binds literals too. */
    static InetAddress parse(String name, String value) {
        if (!value.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException(name + " is not an IP address: " + value);
        }
        try {
            return InetAddress.getByName(value);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(name + " is not an IP address: " + value);
        }
    }

    private static int port(OpsEnvironment env, String name, int fallback) {
        String value = env.get(name, String.valueOf(fallback));
        try {
            int port = Integer.parseInt(value);
            if (port > 0 && port < 65536) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " is not a port: " + value);
    }

    private static long gib(String value) {
        try {
            return Long.parseLong(value) << 30;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("RPIDEPLOY_DOCTOR_MIN_FREE_GIB is not a number: " + value);
        }
    }
}
