package io.rpideploy.netboot.ra;

import static io.rpideploy.netboot.api.NetbootSetting.BOOT_ROOT;
import static io.rpideploy.netboot.api.NetbootSetting.DHCP_CLIENT_PORT;
import static io.rpideploy.netboot.api.NetbootSetting.DHCP_PORT;
import static io.rpideploy.netboot.api.NetbootSetting.DNS;
import static io.rpideploy.netboot.api.NetbootSetting.INTERFACE;
import static io.rpideploy.netboot.api.NetbootSetting.LEASE_TIME;
import static io.rpideploy.netboot.api.NetbootSetting.POOL_END;
import static io.rpideploy.netboot.api.NetbootSetting.POOL_START;
import static io.rpideploy.netboot.api.NetbootSetting.RETRY_INTERVAL;
import static io.rpideploy.netboot.api.NetbootSetting.ROGUE_CHECK_INTERVAL;
import static io.rpideploy.netboot.api.NetbootSetting.ROUTER;
import static io.rpideploy.netboot.api.NetbootSetting.SERVER_IP;
import static io.rpideploy.netboot.api.NetbootSetting.SUBNET_MASK;
import static io.rpideploy.netboot.api.NetbootSetting.TFTP_ADDRESS;
import static io.rpideploy.netboot.api.NetbootSetting.TFTP_MAX_BLOCK_SIZE;
import static io.rpideploy.netboot.api.NetbootSetting.TFTP_MAX_TRANSFERS;
import static io.rpideploy.netboot.api.NetbootSetting.TFTP_MAX_WINDOW_SIZE;
import static io.rpideploy.netboot.api.NetbootSetting.TFTP_PORT;
import static io.rpideploy.netboot.api.NetbootSetting.TFTP_RETRIES;
import static io.rpideploy.netboot.api.NetbootSetting.TFTP_TIMEOUT;

import io.rpideploy.netboot.api.DataFolders;
import io.rpideploy.netboot.api.NetbootSetting;
import io.rpideploy.netboot.dhcp.DhcpSettings;
import io.rpideploy.netboot.tftp.TftpSettings;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The servers' settings, parsed by the {@link NetbootSetting} catalog: the process's settings
 * ({@link ProcessSettings}) over the ActivationSpec's properties. Unset addresses are derived from the deployment
 * interface (its first IPv4 address and prefix; the plan's pool {@code .100}-{@code .250}); the boot root and the
 * boot environments from the data folders, as the application derives them ({@link DataFolders}).
 */
final class Settings {

    private final Map<NetbootSetting<?>, Object> values;
    private final DataFolders folders;

    private Settings(Map<NetbootSetting<?>, Object> values, DataFolders folders) {
        this.values = values;
        this.folders = folders;
    }

    /**
     * Reads and parses every adapter setting, so a typo is reported at activation rather than at first use.
     *
     * @param spec   the ActivationSpec's properties by setting key ({@code server-ip})
     * @param source the process's settings by config name; each one set wins over the spec
     * @throws io.rpideploy.netboot.api.InvalidNetbootSettingException naming the first setting that does not parse
     */
    static Settings read(Map<String, String> spec, Function<String, Optional<String>> source) {
        Map<NetbootSetting<?>, Object> values = new HashMap<>();
        for (NetbootSetting<?> setting : NetbootSetting.all()) {
            if (setting.reader() == NetbootSetting.Reader.ADAPTER) {
                Optional<String> specified = Optional.ofNullable(spec.get(setting.key()));
                setting.read(name -> source.apply(name).filter(v -> !v.isBlank()).or(() -> specified))
                        .ifPresent(v -> values.put(setting, v));
            }
        }
        return new Settings(values, DataFolders.from(source));
    }

    /** The setting's value, or its default; empty when unset without a default. */
    @SuppressWarnings("unchecked")
    <T> Optional<T> get(NetbootSetting<T> setting) {
        return Optional.ofNullable((T) values.get(setting));
    }

    private <T> T require(NetbootSetting<T> setting) {
        return get(setting).orElseThrow(() -> new IllegalStateException(setting + " has no default"));
    }

    /** DHCP runs only when an interface is named: a laptop must never hand out addresses by accident. */
    boolean dhcpEnabled() {
        return get(INTERFACE).isPresent();
    }

    /** TFTP runs when the deployment interface or a TFTP address is set. */
    boolean tftpEnabled() {
        return get(INTERFACE).isPresent() || get(TFTP_ADDRESS).isPresent() || get(SERVER_IP).isPresent();
    }

    Duration retryInterval() {
        return require(RETRY_INTERVAL);
    }

    /**
     * This server on the deployment network, as boards reach it (the {@code rpideploy.server=} URL): the server IP,
     * else the TFTP address, else the interface's first IPv4 address; empty when none is set.
     */
    Optional<Inet4Address> serverAddress() {
        return get(SERVER_IP).or(() -> get(TFTP_ADDRESS))
                .or(() -> get(INTERFACE).map(name -> interfaceAddress(name).address()));
    }

    DhcpSettings dhcp() {
        String name = get(INTERFACE).orElseThrow();
        Inet4Address serverIp = get(SERVER_IP).orElseGet(() -> interfaceAddress(name).address());
        Inet4Address mask = get(SUBNET_MASK).orElseGet(() -> maskOf(interfaceAddress(name).prefix()));
        int net = toInt(serverIp) & toInt(mask);
        Inet4Address start = get(POOL_START).orElseGet(() -> fromInt(net | 100));
        Inet4Address end = get(POOL_END).orElseGet(() -> fromInt(net | 250));
        try {
            return new DhcpSettings(name, serverIp, mask, start, end, require(LEASE_TIME), get(ROUTER).orElse(null),
                    get(DNS).orElse(List.of()), require(DHCP_PORT), require(DHCP_CLIENT_PORT),
                    require(ROGUE_CHECK_INTERVAL));
        } catch (IllegalArgumentException | NullPointerException bad) {
            throw new IllegalArgumentException("DHCP settings: " + bad.getMessage(), bad);
        }
    }

    TftpSettings tftp() {
        Inet4Address address = get(TFTP_ADDRESS).or(() -> get(SERVER_IP))
                .orElseGet(() -> interfaceAddress(get(INTERFACE).orElseThrow()).address());
        Path root = get(BOOT_ROOT).orElse(folders.boot());
        try {
            return new TftpSettings(new InetSocketAddress(address, require(TFTP_PORT)), root, require(TFTP_TIMEOUT),
                    require(TFTP_RETRIES), require(TFTP_MAX_BLOCK_SIZE), require(TFTP_MAX_WINDOW_SIZE),
                    require(TFTP_MAX_TRANSFERS), List.of(folders.bootEnvironments(), folders.installerEnvironment()));
        } catch (IllegalArgumentException | NullPointerException bad) {
            throw new IllegalArgumentException("TFTP settings: " + bad.getMessage(), bad);
        }
    }

    record InterfaceIpv4(Inet4Address address, int prefix) {
    }

    /** The interface's first IPv4 address; a clear error when it has none or does not exist. */
    static InterfaceIpv4 interfaceAddress(String name) {
        try {
            NetworkInterface nic = NetworkInterface.getByName(name);
            if (nic == null) {
                throw new IllegalArgumentException(INTERFACE + ": no network interface '" + name + "' on this host");
            }
            for (InterfaceAddress a : nic.getInterfaceAddresses()) {
                if (a.getAddress() instanceof Inet4Address v4) {
                    return new InterfaceIpv4(v4, a.getNetworkPrefixLength());
                }
            }
            throw new IllegalArgumentException(INTERFACE + ": '" + name + "' has no IPv4 address; give it one or set "
                    + SERVER_IP);
        } catch (SocketException e) {
            throw new IllegalArgumentException(INTERFACE + ": cannot read '" + name + "': " + e.getMessage());
        }
    }

    static Inet4Address maskOf(int prefix) {
        return fromInt(prefix == 0 ? 0 : -1 << (32 - prefix));
    }

    static int toInt(Inet4Address a) {
        byte[] b = a.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    static Inet4Address fromInt(int v) {
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16),
                    (byte) (v >>> 8), (byte) v});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }
}
