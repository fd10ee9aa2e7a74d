package io.rpideploy.netboot.ra;

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
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The servers' settings: an ActivationSpec's properties with the application's settings of the same name laid
 * over them, parsed. Unset addresses are derived from the deployment interface (its first IPv4 address and prefix;
 * the plan's pool {@code .100}-{@code .250}). Every parse error names the setting.
 */
final class Settings {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");
    private final Map<String, String> values;

    private Settings(Map<String, String> values) {
        this.values = values;
    }

    /** {@code overrides} win over {@code spec}; both keyed by setting name. */
    static Settings of(Map<String, String> spec, Map<String, String> overrides) {
        Map<String, String> merged = new HashMap<>(spec);
        overrides.forEach((k, v) -> {
            if (v != null && !v.isBlank()) {
                merged.put(k, v.trim());
            }
        });
        Settings settings = new Settings(merged);
        settings.checkSyntax();
        return settings;
    }

    Optional<String> text(String name) {
        return Optional.ofNullable(values.get(name)).filter(v -> !v.isBlank());
    }

    /** DHCP runs only when an interface is named: a laptop must never hand out addresses by accident. */
    boolean dhcpEnabled() {
        return text("interface").isPresent();
    }

    /** TFTP runs when the deployment interface or a TFTP address is set. */
    boolean tftpEnabled() {
        return text("interface").isPresent() || text("tftp-address").isPresent() || text("server-ip").isPresent();
    }

    DhcpSettings dhcp() {
        String name = text("interface").orElseThrow();
        Inet4Address serverIp = ipv4("server-ip").orElseGet(() -> interfaceAddress(name).address());
        Inet4Address mask = ipv4("subnet-mask").orElseGet(() -> maskOf(interfaceAddress(name).prefix()));
        int net = toInt(serverIp) & toInt(mask);
        Inet4Address start = ipv4("pool-start").orElseGet(() -> fromInt(net | 100));
        Inet4Address end = ipv4("pool-end").orElseGet(() -> fromInt(net | 250));
        List<Inet4Address> dns = new ArrayList<>();
        for (String item : text("dns").orElse("").split("[,\\s]+")) {
            if (!item.isBlank()) {
                dns.add(parseIpv4("dns", item));
            }
        }
        try {
            return new DhcpSettings(name, serverIp, mask, start, end, duration("lease-time", "12h"),
                    ipv4("router").orElse(null), dns, integer("dhcp-port", 67), integer("dhcp-client-port", 68),
                    duration("rogue-check-interval", "5m"));
        } catch (IllegalArgumentException | NullPointerException bad) {
            throw new IllegalArgumentException("DHCP settings: " + bad.getMessage(), bad);
        }
    }

    /** Folders separated by the platform's path separator ({@code :}), blanks ignored. */
    static List<Path> paths(String text) {
        List<Path> paths = new ArrayList<>();
        for (String part : text.split(java.io.File.pathSeparator)) {
            if (!part.isBlank()) {
                paths.add(Path.of(part.trim()));
            }
        }
        return paths;
    }

    TftpSettings tftp() {
        Inet4Address address = ipv4("tftp-address").or(() -> ipv4("server-ip"))
                .orElseGet(() -> interfaceAddress(text("interface").orElseThrow()).address());
        Path root = Path.of(text("boot-root").orElseThrow(() -> new IllegalArgumentException(
                "boot-root: not set")));
        try {
            return new TftpSettings(new InetSocketAddress(address, integer("tftp-port", 69)), root,
                    duration("tftp-timeout", "1s"), integer("tftp-retries", 5),
                    integer("tftp-max-block-size", 65464), integer("tftp-max-window-size", 64),
                    integer("tftp-max-transfers", 512),
                    text("environment-root").map(Settings::paths).orElse(List.of()));
        } catch (IllegalArgumentException | NullPointerException bad) {
            throw new IllegalArgumentException("TFTP settings: " + bad.getMessage(), bad);
        }
    }

    /** Parses whatever is set, so a typo is reported at activation rather than at first use. */
    private void checkSyntax() {
        for (String name : List.of("server-ip", "subnet-mask", "pool-start", "pool-end", "router", "tftp-address")) {
            ipv4(name);
        }
        for (String name : List.of("lease-time", "rogue-check-interval", "tftp-timeout", "retry-interval")) {
            if (text(name).isPresent()) {
                duration(name, "0");
            }
        }
        for (String name : List.of("dhcp-port", "dhcp-client-port", "tftp-port", "tftp-retries",
                "tftp-max-block-size", "tftp-max-window-size", "tftp-max-transfers")) {
            integer(name, 0);
        }
    }

    private Optional<Inet4Address> ipv4(String name) {
        return text(name).map(v -> parseIpv4(name, v));
    }

    private int integer(String name, int fallback) {
        String v = text(name).orElse(null);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": '" + v + "' is not a whole number");
        }
    }

    /** {@code 12h}, {@code 30m}, {@code 90s}, {@code 500ms}, {@code 3600} (seconds) or ISO-8601 {@code PT12H}. */
    Duration duration(String name, String fallback) {
        String v = text(name).orElse(fallback).toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofSeconds(n);
            };
        }
        try {
            return Duration.parse(v.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + ": '" + v + "' is not a duration (e.g. 12h, 30m, 90s)");
        }
    }

    static Inet4Address parseIpv4(String name, String text) {
        if (!text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw new IllegalArgumentException(name + ": '" + text + "' is not an IPv4 address");
        }
        try {
            return (Inet4Address) InetAddress.getByName(text); // a literal: no lookup
        } catch (UnknownHostException | ClassCastException e) {
            throw new IllegalArgumentException(name + ": '" + text + "' is not an IPv4 address");
        }
    }

    record InterfaceIpv4(Inet4Address address, int prefix) {
    }

    /** The interface's first IPv4 address; a clear error when it has none or does not exist. */
    static InterfaceIpv4 interfaceAddress(String name) {
        try {
            NetworkInterface nic = NetworkInterface.getByName(name);
            if (nic == null) {
                throw new IllegalArgumentException("interface: no network interface '" + name + "' on this host");
            }
            for (InterfaceAddress a : nic.getInterfaceAddresses()) {
                if (a.getAddress() instanceof Inet4Address v4) {
                    return new InterfaceIpv4(v4, a.getNetworkPrefixLength());
                }
            }
            throw new IllegalArgumentException("interface: '" + name + "' has no IPv4 address; give it one or set "
                    + "server-ip");
        } catch (SocketException e) {
            throw new IllegalArgumentException("interface: cannot read '" + name + "': " + e.getMessage());
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
