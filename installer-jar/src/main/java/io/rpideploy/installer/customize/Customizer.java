package io.rpideploy.installer.customize;

import io.rpideploy.installer.report.ExitCode;
import io.rpideploy.installer.report.InstallException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Sets the hostname on a written card, and keeps the image's own first-boot tooling from overwriting it:
 * <ul>
 * <li>root (ext4): {@code /etc/hostname}, and the {@code 127.0.1.1} line of {@code /etc/hosts};</li>
 * <li>boot (FAT), by what the image carries: {@code user-data}/{@code meta-data}/{@code network-config} present
 *     → cloud-init (Trixie): {@code hostname:} ours, {@code manage_etc_hosts: false} (we wrote /etc/hosts);
 *     {@code init=/usr/lib/raspberrypi-sys-mods/firstboot} in cmdline.txt or a custom.toml → Bookworm's
 *     {@code custom.toml [system] hostname}; otherwise rpi-imager's {@code firstrun.sh} hooked into cmdline.txt
 *     with {@code systemd.run=}; plus {@code deployment.json}.</li>
 * </ul>
 */
public final class Customizer {

    /** How partitions are reached: mount (falling back to tools), tools only (debugfs / mtools), or mount only. */
    public enum Access { AUTO, MOUNT, TOOLS }

    /** The first-boot mechanism found on the boot partition. */
    public enum FirstBoot { CLOUD_INIT, CUSTOM_TOML, FIRSTRUN_SCRIPT }

    static final String FIRSTRUN_HOOK = "systemd.run_success_action=reboot systemd.unit=kernel-command-line.target";

    private final Path target;
    private final Access access;
    private final Consumer<String> log;

    public Customizer(Path target, Access access, Consumer<String> log) {
        this.target = target;
        this.access = access;
        this.log = log;
    }

    /** Unmounts what a killed run left mounted (shutdown hook). */
    public static void cleanup() {
        MountedPartition.unmountAll();
    }

    public FirstBoot apply(PartitionTable table, String hostname, String deploymentJson) throws InstallException {
        PartitionTable.Entry boot;
        PartitionTable.Entry root;
        try {
            boot = table.boot();
            root = table.root();
        } catch (IllegalArgumentException e) {
            throw new InstallException(ExitCode.CUSTOMIZE_FAILED, e.getMessage());
        }
        try {
            boolean bookwormLayout;
            try (PartitionFiles rootFs = open(root, "ext4")) {
                rootFs.write("/etc/hostname", (hostname + "\n").getBytes(StandardCharsets.US_ASCII), 0644);
                byte[] hosts = rootFs.read("/etc/hosts");
                rootFs.write("/etc/hosts", hosts(hosts == null ? "" : text(hosts), hostname)
                        .getBytes(StandardCharsets.UTF_8), 0644);
                byte[] fstab = rootFs.read("/etc/fstab");
                bookwormLayout = fstab != null && text(fstab).contains("/boot/firmware");
            }
            FirstBoot kind;
            try (PartitionFiles bootFs = open(boot, "vfat")) {
                byte[] cmdlineBytes = bootFs.read("/cmdline.txt");
                String cmdline = cmdlineBytes == null ? null : text(cmdlineBytes);
                byte[] userData = bootFs.read("/user-data");
                byte[] metaData = bootFs.read("/meta-data");
                byte[] customToml = bootFs.read("/custom.toml");
                if (userData != null || metaData != null || bootFs.read("/network-config") != null) {
                    kind = FirstBoot.CLOUD_INIT;
                    bootFs.write("/user-data", userData(userData == null ? "" : text(userData), hostname)
                            .getBytes(StandardCharsets.UTF_8), 0644);
                    if (metaData == null) {
                        String instance = "rpideploy-" + hostname;
                        bootFs.write("/meta-data", ("instance-id: " + instance + "\n").getBytes(StandardCharsets.UTF_8),
                                0644);
                        if (cmdline != null && !cmdline.contains("ds=nocloud")) {
                            bootFs.write("/cmdline.txt", appendToCmdline(cmdline, "ds=nocloud;i=" + instance), 0644);
                        }
                    }
                } else if (customToml != null || (cmdline != null
                        && cmdline.contains("init=/usr/lib/raspberrypi-sys-mods/firstboot"))) {
                    kind = FirstBoot.CUSTOM_TOML;
                    bootFs.write("/custom.toml", customToml(customToml == null ? null : text(customToml), hostname)
                            .getBytes(StandardCharsets.UTF_8), 0644);
                } else {
                    kind = FirstBoot.FIRSTRUN_SCRIPT;
                    if (cmdline == null) {
                        throw new InstallException(ExitCode.CUSTOMIZE_FAILED,
                                "boot partition has no cmdline.txt: not a Raspberry Pi OS image?");
                    }
                    String mountPoint = bookwormLayout ? "/boot/firmware" : "/boot";
                    bootFs.write("/firstrun.sh", firstrun(hostname, mountPoint).getBytes(StandardCharsets.UTF_8),
                            0755);
                    if (!cmdline.contains("systemd.run=")) {
                        bootFs.write("/cmdline.txt", appendToCmdline(cmdline, "systemd.run=" + mountPoint
                                + "/firstrun.sh " + FIRSTRUN_HOOK), 0644);
                    }
                }
                bootFs.write("/deployment.json", deploymentJson.getBytes(StandardCharsets.UTF_8), 0644);
            }
            return kind;
        } catch (IOException e) {
            throw new InstallException(ExitCode.CUSTOMIZE_FAILED, "customizing the card failed: " + e.getMessage(), e);
        }
    }

    private PartitionFiles open(PartitionTable.Entry part, String type) throws IOException {
        if (access != Access.TOOLS) {
            try {
                return MountedPartition.mount(target, part.start(), part.size(), type);
            } catch (IOException e) {
                if (access == Access.MOUNT) {
                    throw e;
                }
                log.accept("mounting partition " + part.number() + " failed (" + e.getMessage()
                        + "), using " + (type.equals("vfat") ? "mtools" : "debugfs"));
            }
        }
        return type.equals("vfat") ? new FatTools(target, part.start()) : new Ext4Tools(target, part.start());
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Replaces the 127.0.1.1 line (or adds one). */
    static String hosts(String hosts, String hostname) {
        List<String> out = new ArrayList<>();
        boolean replaced = false;
        for (String line : hosts.split("\n", -1)) {
            if (line.trim().startsWith("127.0.1.1")) {
                if (!replaced) {
                    out.add("127.0.1.1\t" + hostname);
                    replaced = true;
                }
            } else {
                out.add(line);
            }
        }
        String result = String.join("\n", out);
        if (!replaced) {
            if (!result.isEmpty() && !result.endsWith("\n")) {
                result += "\n";
            }
            result += "127.0.1.1\t" + hostname + "\n";
        }
        return result;
    }

    /** The existing cloud-config without its hostname keys, plus ours. */
    static String userData(String existing, String hostname) {
        StringBuilder b = new StringBuilder("#cloud-config\n");
        for (String line : existing.split("\n")) {
            if (line.startsWith("#cloud-config") || line.matches(
                    "(hostname|fqdn|manage_etc_hosts|preserve_hostname|prefer_fqdn_over_hostname)\\s*:.*")) {
                continue;
            }
            if (!line.isEmpty() || b.length() > 14) {
                b.append(line).append('\n');
            }
        }
        if (b.charAt(b.length() - 1) != '\n') {
            b.append('\n');
        }
        b.append("# set by the rpi-deploy installer: the hostname already written in /etc, kept on every boot\n");
        b.append("hostname: ").append(hostname).append('\n');
        b.append("preserve_hostname: false\n");
        b.append("manage_etc_hosts: false\n");
        return b.toString();
    }

    /** The existing custom.toml with {@code [system] hostname} set to ours. */
    static String customToml(String existing, String hostname) {
        String line = "hostname = \"" + hostname + "\"";
        if (existing == null || existing.isBlank()) {
            return "# written by the rpi-deploy installer (raspberrypi-sys-mods init_config)\nconfig_version = 1\n\n"
                    + "[system]\n" + line + "\n";
        }
        List<String> out = new ArrayList<>();
        String section = "";
        boolean done = false;
        for (String l : existing.split("\n")) {
            String t = l.trim();
            if (t.startsWith("[")) {
                if (section.equals("[system]") && !done) {
                    out.add(line);
                    done = true;
                }
                section = t;
            } else if (section.equals("[system]") && t.matches("hostname\\s*=.*")) {
                if (!done) {
                    out.add(line);
                    done = true;
                }
                continue;
            }
            out.add(l);
        }
        if (section.equals("[system]") && !done) {
            out.add(line);
            done = true;
        }
        if (!done) {
            out.add("");
            out.add("[system]");
            out.add(line);
        }
        return String.join("\n", out) + "\n";
    }

    /** rpi-imager's systemd first-run script, reduced to the hostname; it removes itself and its cmdline hook. */
    static String firstrun(String hostname, String bootDir) {
        return "#!/bin/bash\n"
                + "# written by the rpi-deploy installer; runs once via systemd.run= (cmdline.txt)\n"
                + "set +e\n"
                + "CURRENT_HOSTNAME=$(tr -d \" \\t\\n\\r\" < /etc/hostname)\n"
                + "if [ -f /usr/lib/raspberrypi-sys-mods/imager_custom ]; then\n"
                + "   /usr/lib/raspberrypi-sys-mods/imager_custom set_hostname " + hostname + "\n"
                + "else\n"
                + "   echo " + hostname + " >/etc/hostname\n"
                + "   sed -i \"s/127.0.1.1.*$CURRENT_HOSTNAME/127.0.1.1\\t" + hostname + "/g\" /etc/hosts\n"
                + "fi\n"
                + "rm -f " + bootDir + "/firstrun.sh\n"
                + "sed -i 's| systemd.run.*||g' " + bootDir + "/cmdline.txt\n"
                + "exit 0\n";
    }

    /** cmdline.txt is one line: append to it. */
    static byte[] appendToCmdline(String cmdline, String words) {
        String line = cmdline.split("\n", 2)[0].trim();
        return (line + " " + words + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
