package io.rpideploy.installer.cli;

import io.rpideploy.installer.customize.Customizer;
import io.rpideploy.installer.verify.Verifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The installer's options. Each {@code --name} can also be given as the system property {@code rpideploy.name}
 * or on the kernel command line as {@code rpideploy.name=value} (flags: bare or {@code =1|true|yes}); the
 * command line wins over system properties, which win over the kernel command line.
 */
public record Options(String server, String product, String venue, String device, String prefer,
                      Verifier.Mode verify, boolean reboot, boolean dryRun, Customizer.Access customize,
                      boolean customizeEnabled, long configWaitMillis, long resumeMillis, long queueMillis,
                      long syncEveryBytes, int buffers, boolean stats,
                      Path cpuinfo, Path serialFile, Path netDir, Path devDir, Path procMounts, Path procSwaps,
                      Path sysBlock) {

    /** Thrown for a bad command line (exit code 2); {@code help} for --help (exit 0). */
    public static final class UsageException extends Exception {
        final boolean help;

        UsageException(String message, boolean help) {
            super(message);
            this.help = help;
        }
    }

    static final List<String> VALUED = List.of("server", "product", "venue", "device", "prefer", "verify",
            "customize", "config-wait", "resume-time", "queue-wait", "sync-every", "buffers", "cmdline", "cpuinfo",
            "serial-file", "net-dir", "dev-dir", "proc-mounts", "proc-swaps", "sys-block");
    static final List<String> FLAGS = List.of("no-reboot", "dry-run", "help", "stats");
    private static final Pattern VENUE = Pattern.compile("[A-Za-z0-9]{1,16}");

    public static final String USAGE = String.join("\n",
            "usage: java -jar installer.jar --server HOST[:PORT]|URL [options]",
            "  --server HOST[:PORT]|URL  deployment server (port 5001 when not given)",
            "  --product KXP2|RXP2       product type (default KXP2)",
            "  --venue CODE              venue code (optional)",
            "  --device PATH|auto        target block device or file (default auto)",
            "  --prefer sd|nvme          which device 'auto' takes first (default sd: /dev/mmcblk0)",
            "  --verify full|sample|none read-back verification (default full)",
            "  --customize auto|mount|tools|none  how partitions are edited (default auto: mount, else",
            "                            debugfs/mtools); none skips hostname setting (benchmarks)",
            "  --no-reboot               do not reboot after success",
            "  --dry-run                 get config and check device and image, write nothing",
            "  --config-wait S           give up on an unreachable server after S seconds (default 300)",
            "  --resume-time S           total time to spend resuming dropped downloads (default 600)",
            "  --queue-wait S            longest wait in the server's admission queue (default 7200)",
            "  --sync-every MIB          fsync every MIB written (default 0: only at the end)",
            "  --buffers N               4 MiB buffers between decoder and writer (default 4)",
            "  --stats                   print timing and peak heap at the end",
            "  --cmdline --cpuinfo --serial-file --net-dir --dev-dir --proc-mounts --proc-swaps --sys-block PATH",
            "                            where the system files are read (tests)",
            "  --help",
            "Every option also as kernel command line rpideploy.NAME=VALUE or system property rpideploy.NAME.",
            "Exit codes: 0 ok, 1 internal, 2 usage, 3 server unreachable, 4 config refused, 5 device refused,",
            "            6 download failed, 7 checksum mismatch, 8 verify failed, 9 customize failed");

    public static Options parse(String[] args, Properties system) throws UsageException {
        Map<String, String> cli = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new UsageException("unexpected argument '" + a + "'", false);
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (FLAGS.contains(name)) {
                cli.put(name, value == null ? "true" : value);
            } else if (VALUED.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new UsageException("--" + name + " needs a value", false);
                    }
                    value = args[++i];
                }
                cli.put(name, value);
            } else {
                throw new UsageException("unknown option --" + name, false);
            }
        }
        if (flag(cli.get("help"))) {
            throw new UsageException(USAGE, true);
        }
        Map<String, String> merged = new LinkedHashMap<>();
        String cmdlinePath = cli.getOrDefault("cmdline", system.getProperty("rpideploy.cmdline", "/proc/cmdline"));
        merged.putAll(kernelCommandLine(Path.of(cmdlinePath)));
        for (String name : system.stringPropertyNames()) {
            if (name.startsWith("rpideploy.")) {
                String key = name.substring("rpideploy.".length());
                if (VALUED.contains(key) || FLAGS.contains(key)) {
                    merged.put(key, system.getProperty(name));
                }
            }
        }
        merged.putAll(cli);
        return of(merged);
    }

    /** The {@code rpideploy.*} words of a kernel command line. */
    static Map<String, String> kernelCommandLine(Path file) {
        Map<String, String> out = new LinkedHashMap<>();
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            return out;
        }
        for (String word : text.trim().split("\\s+")) {
            if (!word.startsWith("rpideploy.")) {
                continue;
            }
            String kv = word.substring("rpideploy.".length());
            int eq = kv.indexOf('=');
            String key = eq < 0 ? kv : kv.substring(0, eq);
            String value = eq < 0 ? "true" : kv.substring(eq + 1);
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            if (VALUED.contains(key) || FLAGS.contains(key)) {
                out.put(key, value);
            }
        }
        return out;
    }

    private static Options of(Map<String, String> o) throws UsageException {
        String server = o.get("server");
        if (server == null || server.isBlank()) {
            throw new UsageException("--server is required (or rpideploy.server= on the kernel command line)", false);
        }
        String product = o.getOrDefault("product", "KXP2").toUpperCase(Locale.ROOT);
        if (!product.equals("KXP2") && !product.equals("RXP2")) {
            throw new UsageException("--product must be KXP2 or RXP2, got " + product, false);
        }
        String venue = o.get("venue");
        if (venue != null && !VENUE.matcher(venue).matches()) {
            throw new UsageException("--venue must be letters and digits, got '" + venue + "'", false);
        }
        String prefer = o.getOrDefault("prefer", "sd").toLowerCase(Locale.ROOT);
        if (!prefer.equals("sd") && !prefer.equals("nvme")) {
            throw new UsageException("--prefer must be sd or nvme", false);
        }
        String customize = o.getOrDefault("customize", "auto").toUpperCase(Locale.ROOT);
        return new Options(serverUrl(server.trim()), product, venue == null ? null : venue.toUpperCase(Locale.ROOT),
                o.getOrDefault("device", "auto"), prefer,
                choice(Verifier.Mode.class, o.getOrDefault("verify", "full"), "verify"),
                !flag(o.get("no-reboot")), flag(o.get("dry-run")),
                customize.equals("NONE") ? Customizer.Access.AUTO
                        : choice(Customizer.Access.class, customize, "customize"),
                !customize.equals("NONE"),
                seconds(o, "config-wait", 300), seconds(o, "resume-time", 600), seconds(o, "queue-wait", 7200),
                number(o, "sync-every", 0, 0, 1 << 20) << 20, (int) number(o, "buffers", 4, 2, 64),
                flag(o.get("stats")),
                path(o, "cpuinfo", "/proc/cpuinfo"), path(o, "serial-file", "/sys/firmware/devicetree/base/serial-number"),
                path(o, "net-dir", "/sys/class/net"), path(o, "dev-dir", "/dev"), path(o, "proc-mounts", "/proc/mounts"),
                path(o, "proc-swaps", "/proc/swaps"), path(o, "sys-block", "/sys/class/block"));
    }

    /** http(s)://… as given; HOST:PORT → http://HOST:PORT; HOST → http://HOST:5001. */
    static String serverUrl(String s) throws UsageException {
        String url;
        if (s.startsWith("http://") || s.startsWith("https://")) {
            url = s;
        } else if (s.matches("[A-Za-z0-9.-]+:\\d{1,5}") || s.matches("\\[[0-9A-Fa-f:.]+]:\\d{1,5}")) {
            url = "http://" + s;
        } else if (s.matches("[A-Za-z0-9.-]+") || s.matches("\\[[0-9A-Fa-f:.]+]")) {
            url = "http://" + s + ":5001";
        } else {
            throw new UsageException("--server: not a host, host:port or URL: '" + s + "'", false);
        }
        return url.replaceAll("/+$", "");
    }

    private static boolean flag(String v) {
        return v != null && (v.isEmpty() || v.equalsIgnoreCase("true") || v.equals("1") || v.equalsIgnoreCase("yes"));
    }

    private static <E extends Enum<E>> E choice(Class<E> type, String value, String name) throws UsageException {
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + name + ": unknown value '" + value + "'", false);
        }
    }

    private static long seconds(Map<String, String> o, String name, long def) throws UsageException {
        return number(o, name, def, 0, 7 * 24 * 3600) * 1000;
    }

    private static long number(Map<String, String> o, String name, long def, long min, long max)
            throws UsageException {
        String v = o.get(name);
        if (v == null) {
            return def;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n < min || n > max) {
                throw new UsageException("--" + name + " must be " + min + ".." + max, false);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number, got '" + v + "'", false);
        }
    }

    private static Path path(Map<String, String> o, String name, String def) {
        return Path.of(o.getOrDefault(name, def));
    }
}
