package io.rpideploy.ops.provision;

import jakarta.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The cloud-init user-data of the deployment VM (the snippet Proxmox passes with {@code cicustom=user=...}): the
 * operator's account with the SSH key (no password), the QEMU guest agent, our environment file and our Debian
 * package. The network is not here: Proxmox writes it from ipconfig0/ipconfig1.
 */
public final class CloudInit {

    /** Where the package keeps its settings (the .deb treats it as a conffile and keeps ours: --force-confold). */
    public static final String ENV_FILE = "/etc/rpi-deploy/rpi-deploy.env";
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._/:,@+-]*");

    private CloudInit() {
    }

    /** The snippet's file name in the snippets storage, per VM name so two servers do not share one. */
    public static String snippetName(ProvisionConfig c) {
        return "rpi-deploy-" + c.name() + "-user.yaml";
    }

    public static String userData(ProvisionConfig c) {
        List<String> y = new ArrayList<>();
        y.add("#cloud-config");
        y.add("# written by 'rpideploy provision user-data' for " + c.name() + "; Proxmox passes it as cicustom=user=");
        y.add("hostname: " + q(c.name()));
        y.add("users:");
        y.add("  - name: " + q(c.user()));
        y.add("    groups: [sudo]");
        y.add("    shell: /bin/bash");
        y.add("    sudo: " + q("ALL=(ALL) NOPASSWD:ALL"));
        y.add("    lock_passwd: true");
        y.add("    ssh_authorized_keys: [" + q(c.sshKey()) + "]");
        y.add("ssh_pwauth: false");
        y.add("package_update: true");
        y.add("packages: [qemu-guest-agent, curl]");
        y.add("write_files:");
        y.add("  - path: " + ENV_FILE);
        y.add("    permissions: " + q("0640"));
        y.add("    content: |");
        y.add("      # written by cloud-init at the first boot; rpi-deploy's package keeps it on upgrade");
        for (Map.Entry<String, String> e : c.env().entrySet()) {
            y.add("      " + e.getKey() + "=" + envValue(e.getValue()));
        }
        y.add("runcmd:");
        y.add("  - [systemctl, enable, --now, qemu-guest-agent]");
        y.add("  - [curl, -fsSL, --retry, \"5\", -o, /var/tmp/rpi-deploy.deb, " + q(c.packageUrl()) + "]");
        c.packageSha256().ifPresent(sha -> y.add("  - [sh, -c, " + q("echo '" + sha.replaceAll("[^0-9a-fA-F]", "")
                + "  /var/tmp/rpi-deploy.deb' | sha256sum -c -") + "]"));
        y.add("  - [env, DEBIAN_FRONTEND=noninteractive, apt-get, install, -y, -o, "
                + q("Dpkg::Options::=--force-confold") + ", /var/tmp/rpi-deploy.deb]");
        return String.join("\n", y) + "\n";
    }

    /** A YAML double-quoted scalar: JSON's string escapes are valid YAML ones. */
    private static String q(String s) {
        return Json.createValue(s).toString();
    }

    /** systemd EnvironmentFile syntax: plain words as they are, anything else double-quoted. */
    private static String envValue(String v) {
        if (PLAIN.matcher(v).matches()) {
            return v;
        }
        return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
