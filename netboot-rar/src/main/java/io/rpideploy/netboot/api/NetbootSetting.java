package io.rpideploy.netboot.api;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The catalog of the {@code rpideploy.netboot.*} settings, the one place each is defined: its name, type, default
 * and meaning. The adapter's ActivationSpec properties and its parsing come from here, the application reads its
 * policy settings through it, and a test keeps the README's settings table equal to it. A value that does not parse
 * fails with an {@link InvalidNetbootSettingException} naming the setting. Plain Java: no container API.
 *
 * @param <T> what a value parses to
 */
public final class NetbootSetting<T> {

    /** Who reads a setting: the adapter's servers, or the application's netboot policy. */
    public enum Reader { ADAPTER, APPLICATION }

    /** A value's type: its name in messages and its parser (which throws with the problem, not the name). */
    private record Type<T>(String name, Function<String, T> parser) {
    }

    private static final String PREFIX = "rpideploy.netboot.";
    private static final List<NetbootSetting<?>> ALL = new ArrayList<>();

    public static final NetbootSetting<String> INTERFACE = computed(Reader.ADAPTER, "interface", Types.INTERFACE,
            "unset", "The deployment network's interface (e.g. `eth1`). **DHCP runs only when this is set**, bound"
                    + " to that interface alone (`SO_BINDTODEVICE`): the one-command start on a laptop never hands"
                    + " out addresses. TFTP then listens on the interface's address.");
    public static final NetbootSetting<Inet4Address> SERVER_IP = computed(Reader.ADAPTER, "server-ip", Types.IPV4,
            "the interface's first IPv4 address", "This server on the deployment network: DHCP server id (option"
                    + " 54), `siaddr` and option 66 (TFTP server), and the `rpideploy.server=` URL in a board's"
                    + " `cmdline.txt`. Set alone (no interface), it runs TFTP only, for a network whose DHCP is"
                    + " someone else's.");
    public static final NetbootSetting<Inet4Address> SUBNET_MASK = computed(Reader.ADAPTER, "subnet-mask",
            Types.MASK, "the interface's prefix", "DHCP option 1.");
    public static final NetbootSetting<Inet4Address> POOL_START = computed(Reader.ADAPTER, "pool-start", Types.IPV4,
            "`.100` of the subnet", "First address of the dynamic pool (the plan's range).");
    public static final NetbootSetting<Inet4Address> POOL_END = computed(Reader.ADAPTER, "pool-end", Types.IPV4,
            "`.250` of the subnet", "Last address of the dynamic pool.");
    public static final NetbootSetting<Duration> LEASE_TIME = literal(Reader.ADAPTER, "lease-time",
            Types.duration(Duration.ofMinutes(1)), "12h", "Lease time (`12h`, `30m`, `3600` seconds or `PT12H`),"
                    + " option 51.");
    public static final NetbootSetting<Inet4Address> ROUTER = computed(Reader.ADAPTER, "router", Types.IPV4,
            "unset", "Option 3; unset: none (the deployment network is isolated).");
    public static final NetbootSetting<List<Inet4Address>> DNS = computed(Reader.ADAPTER, "dns", Types.IPV4_LIST,
            "unset", "Option 6, comma-separated addresses.");
    public static final NetbootSetting<String> RESERVATIONS = computed(Reader.APPLICATION, "reservations",
            Types.RESERVATIONS, "unset", "Static addresses by MAC: `2c:cf:67:12:34:56=192.168.151.20, ...`.");
    public static final NetbootSetting<Integer> DHCP_PORT = literal(Reader.ADAPTER, "dhcp-port", Types.PORT, "67",
            "DHCP server port (tests use others).");
    public static final NetbootSetting<Integer> DHCP_CLIENT_PORT = literal(Reader.ADAPTER, "dhcp-client-port",
            Types.PORT, "68", "DHCP client port, where replies go (tests use others).");
    public static final NetbootSetting<Duration> ROGUE_CHECK_INTERVAL = literal(Reader.ADAPTER,
            "rogue-check-interval", Types.duration(Duration.ZERO), "5m", "How often the server asks the deployment"
                    + " network for other DHCP servers (`0`: never); one answering is logged, stored and shown on"
                    + " the Network page.");
    public static final NetbootSetting<String> BOOT_FILE_UEFI_ARM64 = literal(Reader.APPLICATION,
            "boot-file-uefi-arm64", Types.FILE_NAME, "grubnetaa64.efi", "Boot file (option 67) for arm64 UEFI"
                    + " clients (option 93 = 11). The default is Debian's signed network GRUB from the installer"
                    + " environment (Debian ships no arm64 iPXE); it reads the generated `grub/grub.cfg`, which"
                    + " loads the product's `kernel8.img` and the installer initramfs over TFTP.");
    public static final NetbootSetting<String> BOOT_FILE_UEFI_X64 = literal(Reader.APPLICATION, "boot-file-uefi-x64",
            Types.FILE_NAME, "ipxe.efi", "Boot file for x64 UEFI clients (option 93 = 7 or 9).");
    public static final NetbootSetting<String> BOOT_FILE_BIOS = literal(Reader.APPLICATION, "boot-file-bios",
            Types.FILE_NAME, "undionly.kpxe", "Boot file for BIOS clients that are not Raspberry Pis (option 93 ="
                    + " 0). A Pi gets the Pi PXE menu and no file.");
    public static final NetbootSetting<String> BOOT_FILE_IPXE = literal(Reader.APPLICATION, "boot-file-ipxe",
            Types.FILE_NAME, "boot.ipxe", "What a client that already runs iPXE (user class `iPXE`, option 77, or"
                    + " option 175) gets instead of its firmware's boot file: the generated iPXE script, never the"
                    + " iPXE binary again.");
    public static final NetbootSetting<Boolean> PI_ARCHITECTURE_ZERO = literal(Reader.APPLICATION,
            "pi-architecture-zero", Types.BOOLEAN, "false", "`true`: every PXE client of architecture 0 counts as a"
                    + " Raspberry Pi (the plan's dnsmasq behaviour, for a deployment network that holds only Pis).");
    public static final NetbootSetting<Inet4Address> TFTP_ADDRESS = computed(Reader.ADAPTER, "tftp-address",
            Types.IPV4, "the server IP", "Address TFTP listens on.");
    public static final NetbootSetting<Integer> TFTP_PORT = literal(Reader.ADAPTER, "tftp-port", Types.PORT, "69",
            "TFTP port.");
    public static final NetbootSetting<Path> BOOT_ROOT = computed(Reader.ADAPTER, "boot-root", Types.PATH,
            "`$RPIDEPLOY_BOOT_DIR`", "Folder served over TFTP (the same tree as `/boot/` over HTTP); per-board"
                    + " files in `<serial>/`.");
    public static final NetbootSetting<Duration> TFTP_TIMEOUT = literal(Reader.ADAPTER, "tftp-timeout",
            Types.duration(Duration.ofMillis(1)), "1s", "Retransmission timeout when the client negotiates none.");
    public static final NetbootSetting<Integer> TFTP_RETRIES = literal(Reader.ADAPTER, "tftp-retries",
            Types.integer(0, 1000), "5", "Retransmissions before a transfer is given up.");
    public static final NetbootSetting<Integer> TFTP_MAX_BLOCK_SIZE = literal(Reader.ADAPTER, "tftp-max-block-size",
            Types.integer(512, 65464), "65464", "Largest `blksize` granted (RFC 2348).");
    public static final NetbootSetting<Integer> TFTP_MAX_WINDOW_SIZE = literal(Reader.ADAPTER,
            "tftp-max-window-size", Types.integer(1, 65535), "64", "Largest `windowsize` granted (RFC 7440).");
    public static final NetbootSetting<Integer> TFTP_MAX_TRANSFERS = literal(Reader.ADAPTER, "tftp-max-transfers",
            Types.integer(1, 100_000), "512", "Concurrent transfers; a request beyond is answered \"server busy\".");
    public static final NetbootSetting<Duration> RETRY_INTERVAL = literal(Reader.ADAPTER, "retry-interval",
            Types.duration(Duration.ofMillis(1)), "30s", "How often a server that could not bind (port in use, no"
                    + " permission, interface missing) tries again; meanwhile `/health` shows it `down` with the"
                    + " reason.");
    public static final NetbootSetting<Integer> EVENT_RETENTION_DAYS = literal(Reader.APPLICATION,
            "event-retention-days", Types.integer(1, 36_500), "30", "DHCP/TFTP activity older than this is removed"
                    + " from the database.");

    private final Reader reader;
    private final String key;
    private final Type<T> type;
    private final T defaultValue;
    private final String documentedDefault;
    private final String meaning;

    private NetbootSetting(Reader reader, String key, Type<T> type, String defaultText, String documentedDefault,
                           String meaning) {
        this.reader = reader;
        this.key = key;
        this.type = type;
        this.documentedDefault = documentedDefault;
        this.meaning = meaning;
        this.defaultValue = defaultText == null ? null : parse(defaultText);
        ALL.add(this);
    }

    /** A setting whose default is a value of its type, shown as it is written. */
    private static <T> NetbootSetting<T> literal(Reader reader, String key, Type<T> type, String defaultText,
                                                 String meaning) {
        return new NetbootSetting<>(reader, key, type, defaultText, "`" + defaultText + "`", meaning);
    }

    /** A setting with no default value of its own: unset, or derived from other settings or the interface. */
    private static <T> NetbootSetting<T> computed(Reader reader, String key, Type<T> type, String documentedDefault,
                                                  String meaning) {
        return new NetbootSetting<>(reader, key, type, null, documentedDefault, meaning);
    }

    /** Every netboot setting, in the README's order. */
    public static List<NetbootSetting<?>> all() {
        return Collections.unmodifiableList(ALL);
    }

    /** The setting of that short name ({@code server-ip}). */
    public static Optional<NetbootSetting<?>> byKey(String key) {
        return ALL.stream().filter(s -> s.key.equals(key)).findFirst();
    }

    /** The short name, also the ActivationSpec's property in descriptors: {@code server-ip}. */
    public String key() {
        return key;
    }

    /** The MicroProfile Config name: {@code rpideploy.netboot.server-ip}. */
    public String configName() {
        return PREFIX + key;
    }

    /** The environment variable, by MicroProfile Config's mapping: {@code RPIDEPLOY_NETBOOT_SERVER_IP}. */
    public String environmentName() {
        return configName().replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** The JavaBean property of the ActivationSpec: {@code serverIp}. */
    public String propertyName() {
        StringBuilder s = new StringBuilder();
        for (String word : key.split("-")) {
            s.append(s.length() == 0 ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1));
        }
        return s.toString();
    }

    public Reader reader() {
        return reader;
    }

    /** The type as the README and messages call it ({@code IPv4 address}, {@code duration}). */
    public String type() {
        return type.name();
    }

    /** The default value, when the setting has one of its own (not derived from elsewhere). */
    public Optional<T> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** The default as the README's settings table shows it. */
    public String documentedDefault() {
        return documentedDefault;
    }

    /** What the setting does, one line (Markdown, as in the README). */
    public String meaning() {
        return meaning;
    }

    /**
     * The value of this text.
     *
     * @throws InvalidNetbootSettingException naming this setting when it does not parse or is out of range
     */
    public T parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidNetbootSettingException(this, "empty; leave it unset for the default");
        }
        try {
            return type.parser().apply(text.trim());
        } catch (IllegalArgumentException | DateTimeParseException problem) {
            throw new InvalidNetbootSettingException(this, problem.getMessage());
        }
    }

    /**
     * The value from a source of settings by config name (blank counts as unset), else the default.
     *
     * @throws InvalidNetbootSettingException when the value set does not parse
     */
    public Optional<T> read(Function<String, Optional<String>> source) {
        Optional<String> text = source.apply(configName()).map(String::trim).filter(v -> !v.isEmpty());
        return text.isPresent() ? text.map(this::parse) : defaultValue();
    }

    @Override
    public String toString() {
        return configName();
    }

    /** The value types and their rules; each parser throws {@link IllegalArgumentException} with the problem. */
    private static final class Types {

        private static final Pattern DURATION = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d)?");
        private static final Pattern IPV4_TEXT = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

        static final Type<String> INTERFACE = new Type<>("interface name", v -> {
            // Linux: at most 15 bytes (IFNAMSIZ 16 with the terminating NUL), no '/' and no white space
            if (v.length() > 15 || !v.matches("[^\\s/]+")) {
                throw new IllegalArgumentException("'" + v + "' is not a network interface name (like eth1)");
            }
            return v;
        });
        static final Type<Inet4Address> IPV4 = new Type<>("IPv4 address", Types::ipv4);
        static final Type<Inet4Address> MASK = new Type<>("subnet mask", v -> {
            Inet4Address mask = ipv4(v);
            byte[] b = mask.getAddress();
            int m = (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
            if (m == 0 || Integer.bitCount(m) != Integer.numberOfLeadingZeros(~m)) {
                throw new IllegalArgumentException("'" + v + "' is not a subnet mask (like 255.255.255.0)");
            }
            return mask;
        });
        static final Type<List<Inet4Address>> IPV4_LIST = new Type<>("IPv4 addresses, comma-separated", v -> {
            List<Inet4Address> list = new ArrayList<>();
            for (String item : v.split("[,\\s]+")) {
                if (!item.isEmpty()) {
                    list.add(ipv4(item));
                }
            }
            return List.copyOf(list);
        });
        static final Type<Integer> PORT = integer(1, 65535);
        static final Type<Boolean> BOOLEAN = new Type<>("true or false", v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("'" + v + "' is not true or false");
        });
        static final Type<String> FILE_NAME = new Type<>("file name", v -> {
            // it goes into the DHCP header's 128-byte file field (RFC 2131 section 2) or option 67
            if (v.length() > 127 || !v.matches("\\p{Graph}+")) {
                throw new IllegalArgumentException("'" + v + "' is not a boot file name (printable, no spaces,"
                        + " at most 127 characters)");
            }
            return v;
        });
        static final Type<Path> PATH = new Type<>("folder", v -> {
            try {
                return Path.of(v);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("'" + v + "' is not a path: " + e.getReason());
            }
        });
        /** Checked here so that a typo names the setting; the policy turns the text into its table. */
        static final Type<String> RESERVATIONS = new Type<>("MAC=IPv4 pairs, comma-separated", v -> {
            for (String item : v.split("[,\\s]+")) {
                if (item.isEmpty()) {
                    continue;
                }
                int eq = item.indexOf('=');
                if (eq < 0 || MacAddress.parse(item.substring(0, eq)) == null) {
                    throw new IllegalArgumentException("'" + item + "' is not MAC=IPv4 (like"
                            + " 2c:cf:67:12:34:56=192.168.151.20)");
                }
                ipv4(item.substring(eq + 1));
            }
            return v;
        });

        static Type<Integer> integer(int min, int max) {
            return new Type<>("whole number " + min + ".." + max, v -> {
                int n;
                try {
                    n = Integer.parseInt(v);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + v + "' is not a whole number");
                }
                if (n < min || n > max) {
                    throw new IllegalArgumentException(n + " is not in " + min + ".." + max);
                }
                return n;
            });
        }

        /** {@code 12h}, {@code 30m}, {@code 90s}, {@code 500ms}, {@code 3600} (seconds) or ISO-8601 {@code PT12H}. */
        static Type<Duration> duration(Duration min) {
            return new Type<>("duration", v -> {
                Duration d = duration(v);
                if (d.compareTo(min) < 0) {
                    throw new IllegalArgumentException("'" + v + "' is shorter than " + (min.toMillis() < 1000
                            ? min.toMillis() + " ms" : min.toSeconds() + " s"));
                }
                return d;
            });
        }

        private static Duration duration(String text) {
            String v = text.toLowerCase(Locale.ROOT);
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
                throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 12h, 30m, 90s, 500ms)");
            }
        }

        static Inet4Address ipv4(String text) {
            if (IPV4_TEXT.matcher(text).matches()) {
                try {
                    if (InetAddress.getByName(text) instanceof Inet4Address v4) { // a literal: no lookup
                        return v4;
                    }
                } catch (UnknownHostException e) {
                    // an octet over 255: reported below
                }
            }
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
        }
    }
}
