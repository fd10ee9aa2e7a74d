package io.rpideploy.installer.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The board's serial number and wired MAC address, read from files whose locations are overridable (tests):
 * {@code Serial} in /proc/cpuinfo, else /sys/firmware/devicetree/base/serial-number; the first wired interface
 * under /sys/class/net (eth*, end*, en*; not lo, wlan*, virtual ones) by name order.
 */
public record BoardIdentity(String serial, String mac) {

    private static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");

    public static BoardIdentity read(Path cpuinfo, Path serialFile, Path netDir) {
        return new BoardIdentity(serial(cpuinfo, serialFile), mac(netDir));
    }

    static String serial(Path cpuinfo, Path serialFile) {
        try {
            for (String line : Files.readAllLines(cpuinfo, StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("Serial")) {
                    int colon = line.indexOf(':');
                    String value = colon < 0 ? "" : line.substring(colon + 1).trim();
                    if (!value.isEmpty()) {
                        return value.toLowerCase(Locale.ROOT);
                    }
                }
            }
        } catch (IOException e) {
            // fall back to the device tree
        }
        try {
            String value = new String(Files.readAllBytes(serialFile), StandardCharsets.ISO_8859_1)
                    .replace("\0", "").trim();
            if (!value.isEmpty()) {
                return value.toLowerCase(Locale.ROOT);
            }
        } catch (IOException e) {
            // unknown
        }
        return null;
    }

    static String mac(Path netDir) {
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(netDir)) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        } catch (IOException e) {
            return null;
        }
        names.sort(null);
        for (String name : names) {
            if (!(name.startsWith("eth") || name.startsWith("end") || name.startsWith("en"))) {
                continue;
            }
            try {
                String mac = Files.readString(netDir.resolve(name).resolve("address")).trim()
                        .toLowerCase(Locale.ROOT);
                if (MAC.matcher(mac).matches() && !mac.equals("00:00:00:00:00:00")) {
                    return mac;
                }
            } catch (IOException e) {
                // next interface
            }
        }
        return null;
    }
}
