package io.rpideploy.netboot.control;

import io.rpideploy.bootenv.control.BootEnvironments;
import io.rpideploy.hostnames.entity.Product;
import io.rpideploy.netboot.api.BoardSerial;
import io.rpideploy.netboot.api.BootFile;
import io.rpideploy.netboot.api.BootRequest;
import io.rpideploy.netboot.api.NetbootStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The boot files the server makes, for names the operator's boot tree does not hold (the TFTP engine looked there
 * first, per-board folder then shared, and an operator's file is always served as it is):
 * <ul>
 *   <li>{@code config.txt}: the Pi 5 boots the product's installer kernel with its initramfs, and never updates its
 *   bootloader from the network;</li>
 *   <li>{@code cmdline.txt}: the installer's settings ({@code rpideploy.server=...}, the board's serial, product,
 *   venue, and the SHA-256 of the runtime and installer its {@code /init} fetches over HTTP);</li>
 *   <li>{@code boot.ipxe}: the same installer environment for iPXE clients, kernel and initramfs over HTTP;</li>
 *   <li>{@code grubnetaa64.efi} (Debian's signed network GRUB, built with the installer environment) and its
 *   {@code grub/grub.cfg}: the same for arm64 UEFI clients, over TFTP;</li>
 *   <li>anything else from the product's boot environment (kernel, device trees, overlays, initramfs).</li>
 * </ul>
 */
@ApplicationScoped
public class BootFiles {

    static final String CONFIG = "config.txt";
    static final String CMDLINE = "cmdline.txt";
    static final String IPXE_SCRIPT = "boot.ipxe";
    /** Debian's signed network GRUB, the default boot file of arm64 UEFI clients; from the installer environment. */
    static final String GRUB_ARM64 = "grubnetaa64.efi";
    /** What that GRUB reads first (its prefix is {@code /grub}). */
    static final String GRUB_CONFIG = "grub/grub.cfg";
    /** The consoles a Pi 5 shows the installer on: its debug UART and HDMI. */
    static final String CONSOLES = "console=serial0,115200 console=tty1";

    @Inject
    NetbootConfig config;

    @Inject
    BootEnvironments environments;

    /** The answer for a name the boot tree does not hold; null is "file not found". */
    public BootFile open(BootRequest request) {
        Product product = productFor(request.board());
        return switch (request.name()) {
            case CONFIG -> text(configTxt(product, request.board()));
            case CMDLINE -> text(cmdline(product, request.board()));
            case IPXE_SCRIPT -> text(ipxeScript(product));
            case GRUB_CONFIG -> text(grubConfig(product));
            case GRUB_ARM64 -> environments.installerFile(GRUB_ARM64).<BootFile>map(BootFile.OnDisk::new)
                    .orElse(null);
            default -> environments.file(product, request.name()).<BootFile>map(BootFile.OnDisk::new).orElse(null);
        };
    }

    /**
     * The product a board will be imaged with: the configured default, else KXP2 (the installer's own default). Never
     * guessed from which tree is ready: a board must not be imaged as another product because a build failed.
     */
    Product productFor(BoardSerial board) {
        return config.setting("rpideploy.deployment.default-product").flatMap(Product::parse).orElse(Product.KXP2);
    }

    /**
     * A Pi 5's {@code config.txt} (pi5-netboot.md sections 1 and 5): its 16K-page kernel when the image has one,
     * the installer initramfs after it, and {@code bootloader_update=0} so that no file on this server can change a
     * board's EEPROM.
     */
    String configTxt(Product product, BoardSerial board) {
        String kernel = environments.kernel(product).orElse("kernel_2712.img");
        return "# rpi-deploy: the " + product + " installer environment"
                + (board == null ? "" : " for board " + board.suffix()) + "\n"
                + "# put your own config.txt in the boot tree (shared, or <serial>/) to replace this file\n"
                + "[all]\n"
                + "arm_64bit=1\n"
                + "kernel=" + kernel + "\n"
                + "initramfs " + BootEnvironments.INITRAMFS + " followkernel\n"
                + "bootloader_update=0\n"
                + "enable_uart=1\n";
    }

    /** One line, as the firmware reads it. */
    String cmdline(Product product, BoardSerial board) {
        List<String> words = new ArrayList<>(List.of(CONSOLES.split(" ")));
        words.addAll(installerSettings(product, board));
        return String.join(" ", words) + "\n";
    }

    /**
     * The iPXE script (ipxe.org/scripting): kernel and initramfs over HTTP from the deployment listener, tried again
     * after a pause when a download fails, never the iPXE binary again (that would chainload forever).
     */
    String ipxeScript(Product product) {
        String base = serverUrl().orElse("http://${next-server}:" + port()) + "/boot/" + product.name() + "/";
        String kernel = environments.kernel(product).orElse("kernel8.img");
        return "#!ipxe\n"
                + "# rpi-deploy: the " + product + " installer environment over HTTP\n"
                + ":retry\n"
                + "kernel " + base + kernel + " initrd=" + BootEnvironments.INITRAMFS + " " + CONSOLES + " "
                + String.join(" ", installerSettings(product, null)) + " || goto failed\n"
                + "initrd " + base + BootEnvironments.INITRAMFS + " || goto failed\n"
                + "boot || goto failed\n"
                + ":failed\n"
                + "echo rpi-deploy: could not load the installer environment from " + base + ", again in 10 s\n"
                + "sleep 10\n"
                + "goto retry\n";
    }

    /**
     * GRUB's configuration for arm64 UEFI clients: the product's 4K-page kernel (an arm64 Linux {@code Image} is an
     * EFI application) and the installer initramfs over TFTP from the tree's root; the console on the UART of UEFI
     * machines and the screen.
     */
    String grubConfig(Product product) {
        return "# rpi-deploy: the " + product + " installer environment for arm64 UEFI clients\n"
                + "set timeout=0\n"
                + "echo 'rpi-deploy: loading the installer environment'\n"
                + "linux /kernel8.img console=tty0 console=ttyAMA0,115200 "
                + String.join(" ", installerSettings(product, null)) + "\n"
                + "initrd /" + BootEnvironments.INITRAMFS + "\n"
                + "boot\n";
    }

    private List<String> installerSettings(Product product, BoardSerial board) {
        List<String> words = new ArrayList<>();
        serverUrl().ifPresent(url -> words.add("rpideploy.server=" + url));
        if (board != null) {
            words.add("rpideploy.serial=" + board.suffix());
        }
        words.add("rpideploy.product=" + product.name());
        config.setting("rpideploy.deployment.default-venue").ifPresent(v -> words.add("rpideploy.venue=" + v));
        environments.installerSha256(BootEnvironments.RUNTIME).ifPresent(h -> words.add("rpideploy.runtime_sha256=" + h));
        environments.installerSha256(BootEnvironments.INSTALLER_JAR)
                .ifPresent(h -> words.add("rpideploy.installer_sha256=" + h));
        return words;
    }

    private static BootFile text(String content) {
        return new BootFile.Generated(content.getBytes(StandardCharsets.US_ASCII));
    }

    private String port() {
        return config.setting("rpideploy.deployment.port").orElse("5001");
    }

    /** The deployment API as a board on the deployment network reaches it. */
    Optional<String> serverUrl() {
        Optional<String> publicUrl = config.setting("rpideploy.deployment.public-url");
        if (publicUrl.isPresent()) {
            return publicUrl.map(u -> u.replaceAll("/+$", ""));
        }
        return serverIp().map(ip -> "http://" + ip + ":" + port());
    }

    /** The address the adapter worked out for this server (a TFTP request is answered only once it has one). */
    private Optional<String> serverIp() {
        return NetbootStatus.serverAddress().map(Inet4Address::getHostAddress);
    }
}
