package io.rpideploy.netboot.control;

import io.rpideploy.netboot.policy.BootFileSource;
import io.rpideploy.netboot.policy.BootFileSource.BootFile;
import io.rpideploy.netboot.tftp.BootTree;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which bytes a TFTP name is: the shared boot tree for every board ({@code <boot-root>/<file>}), per-board files
 * in {@code <boot-root>/<serial>/} (a Pi 5 asks {@code <serial>/<file>}), and one generated file:
 * {@code cmdline.txt}, the tree's own line with the installer's settings appended ({@code rpideploy.server=...},
 * the board's serial, the default product and venue), so one netboot environment serves every venue.
 */
@ApplicationScoped
public class BootFiles {

    static final String CMDLINE = "cmdline.txt";
    /** Used when the boot tree has no cmdline.txt of its own. */
    static final String DEFAULT_CMDLINE = "console=serial0,115200 console=tty1 rootwait";
    private static final Pattern SERIAL = Pattern.compile("[0-9a-f]{8}");

    @Inject
    NetbootConfig config;

    private BootTree tree;

    @PostConstruct
    void open() {
        tree = new BootTree(Path.of(config.adapterSettings().get("boot-root")), null);
    }

    public BootFile open(InetSocketAddress client, String filename) {
        int slash = filename.indexOf('/');
        String serial = slash > 0 && SERIAL.matcher(filename.substring(0, slash)).matches()
                ? filename.substring(0, slash) : null;
        String name = serial == null ? filename : filename.substring(slash + 1);
        BootFile file = tree.open(client, filename);
        if (!name.equals(CMDLINE) || file instanceof BootFileSource.Refused refused && refused.errorCode() != 1) {
            return file;
        }
        String base = DEFAULT_CMDLINE;
        if (file instanceof BootFileSource.OnDisk onDisk) {
            try {
                base = Files.readString(onDisk.path(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return new BootFileSource.Refused(0, "cannot read cmdline.txt");
            }
        }
        return new BootFileSource.Generated(cmdline(base, serial).getBytes(StandardCharsets.US_ASCII));
    }

    /** The tree's line without any rpideploy.* of its own, then ours; one line, as the firmware reads it. */
    String cmdline(String base, String serial) {
        List<String> words = new ArrayList<>();
        for (String word : base.trim().split("\\s+")) {
            if (!word.isEmpty() && !word.startsWith("rpideploy.")) {
                words.add(word);
            }
        }
        serverUrl().ifPresent(url -> words.add("rpideploy.server=" + url));
        if (serial != null) {
            words.add("rpideploy.serial=" + serial.toLowerCase(Locale.ROOT));
        }
        config.setting("rpideploy.deployment.default-product").ifPresent(p -> words.add("rpideploy.product=" + p));
        config.setting("rpideploy.deployment.default-venue").ifPresent(v -> words.add("rpideploy.venue=" + v));
        return String.join(" ", words) + "\n";
    }

    /** The deployment API as a board on the deployment network reaches it. */
    Optional<String> serverUrl() {
        Optional<String> publicUrl = config.setting("rpideploy.deployment.public-url");
        if (publicUrl.isPresent()) {
            return publicUrl.map(u -> u.replaceAll("/+$", ""));
        }
        String port = config.setting("rpideploy.deployment.port").orElse("5001");
        return serverIp().map(ip -> "http://" + ip + ":" + port);
    }

    private Optional<String> serverIp() {
        Optional<String> configured = config.value("server-ip").or(() -> config.value("tftp-address"));
        if (configured.isPresent()) {
            return configured;
        }
        return config.value("interface").flatMap(BootFiles::firstIpv4);
    }

    private static Optional<String> firstIpv4(String interfaceName) {
        try {
            NetworkInterface nic = NetworkInterface.getByName(interfaceName);
            if (nic == null) {
                return Optional.empty();
            }
            return Collections.list(nic.getInetAddresses()).stream().filter(a -> a instanceof Inet4Address)
                    .map(InetAddress::getHostAddress).findFirst();
        } catch (SocketException e) {
            return Optional.empty();
        }
    }
}
