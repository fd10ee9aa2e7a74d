package io.rpideploy.netboot.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.bootenv.control.BootEnvironment;
import io.rpideploy.bootenv.control.BootEnvironments;
import io.rpideploy.hostnames.entity.Product;
import io.rpideploy.netboot.api.BootFile;
import io.rpideploy.netboot.api.BootRequest;
import io.rpideploy.netboot.api.NetbootStatus;
import java.lang.reflect.Proxy;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootFilesTest {

    @TempDir
    Path envRoot;

    private final InetSocketAddress pi = new InetSocketAddress("192.168.151.101", 49152);

    @Test
    void cmdlineCarriesTheInstallersSettingsTheBoardsSerialAndTheChecksumsOfWhatInitFetches() {
        BootFiles files = files(Map.of("rpideploy.netboot.server-ip", "192.168.151.1",
                "rpideploy.deployment.default-venue", "CORO", "rpideploy.deployment.default-product", "RXP2"));
        assertEquals("console=serial0,115200 console=tty1 rpideploy.server=http://192.168.151.1:5001"
                + " rpideploy.serial=1a2b3c4d rpideploy.product=RXP2 rpideploy.venue=CORO"
                + " rpideploy.runtime_sha256=" + "a".repeat(64) + " rpideploy.installer_sha256=" + "b".repeat(64)
                + "\n", text(files.open(BootRequest.parse(pi, "1a2b3c4d/cmdline.txt"))));
    }

    @Test
    void aPublicUrlWinsOverTheServerAddress() {
        BootFiles files = files(Map.of("rpideploy.deployment.public-url", "http://deploy.example:8080/",
                "rpideploy.netboot.server-ip", "10.0.0.1"));
        assertTrue(text(files.open(BootRequest.parse(pi, "cmdline.txt")))
                .contains(" rpideploy.server=http://deploy.example:8080 "));
    }

    @Test
    void configTxtBootsTheProductsKernelWithTheInstallerInitramfsAndNeverUpdatesTheBootloader() {
        String config = text(files(Map.of("rpideploy.deployment.default-product", "KXP2"))
                .open(BootRequest.parse(pi, "1a2b3c4d/config.txt")));
        assertTrue(config.contains("\nkernel=kernel_2712.img\n"), config);
        assertTrue(config.contains("\ninitramfs initramfs-installer.cpio.gz followkernel\n"), config);
        assertTrue(config.contains("\nbootloader_update=0\n"), config);
        assertTrue(config.contains("board 1a2b3c4d"), config);
    }

    @Test
    void otherNamesComeFromTheProductsTreeAndMissingOnesAreNotFound() throws Exception {
        Path kernel = Files.createDirectories(envRoot.resolve("KXP2")).resolve("kernel_2712.img");
        Files.write(kernel, new byte[] {1, 2, 3});
        BootFiles files = files(Map.of("rpideploy.deployment.default-product", "KXP2"));
        assertEquals(kernel, assertInstanceOf(BootFile.OnDisk.class,
                files.open(BootRequest.parse(pi, "1a2b3c4d/kernel_2712.img"))).path());
        assertNull(files.open(BootRequest.parse(pi, "1a2b3c4d/missing.dtb")));
    }

    @Test
    void theIpxeScriptLoadsKernelAndInitramfsOverHttpAndRetries() {
        String script = text(files(Map.of("rpideploy.netboot.server-ip", "10.0.0.1",
                "rpideploy.deployment.default-product", "KXP2")).open(BootRequest.parse(pi, "boot.ipxe")));
        assertTrue(script.startsWith("#!ipxe\n"), script);
        assertTrue(script.contains("\nkernel http://10.0.0.1:5001/boot/KXP2/kernel_2712.img initrd="
                + "initramfs-installer.cpio.gz "), script);
        assertTrue(script.contains("\ninitrd http://10.0.0.1:5001/boot/KXP2/initramfs-installer.cpio.gz"), script);
        assertTrue(script.contains("goto retry"), script);
    }

    private static String text(BootFile answer) {
        return new String(assertInstanceOf(BootFile.Generated.class, answer).content(), StandardCharsets.US_ASCII);
    }

    @AfterEach
    void forgetTheServerAddress() {
        NetbootStatus.serverAddress(null);
    }

    /** The settings; {@code rpideploy.netboot.server-ip} as the adapter publishes it once it has read it. */
    private BootFiles files(Map<String, String> settings) {
        String serverIp = settings.get("rpideploy.netboot.server-ip");
        try {
            NetbootStatus.serverAddress(serverIp == null ? null : (Inet4Address) InetAddress.getByName(serverIp));
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
        Map<String, String> all = new HashMap<>(settings);
        NetbootConfig config = new NetbootConfig();
        config.config = (Config) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Config.class},
                (proxy, method, args) -> method.getName().equals("getOptionalValue")
                        ? Optional.ofNullable(all.get((String) args[0])) : null);
        BootFiles files = new BootFiles();
        files.config = config;
        files.environments = new FakeEnvironments(envRoot);
        return files;
    }

    /** Trees under a temporary folder; checksums of an installer environment built elsewhere. */
    static final class FakeEnvironments extends BootEnvironments {
        private final Path root;

        FakeEnvironments(Path root) {
            this.root = root;
        }

        @Override
        public Optional<Path> file(Product product, String name) {
            Path f = root.resolve(product.name()).resolve(name);
            return Files.isRegularFile(f) ? Optional.of(f) : Optional.empty();
        }

        @Override
        public Optional<String> kernel(Product product) {
            return Optional.of("kernel_2712.img");
        }

        @Override
        public Optional<String> installerSha256(String name) {
            return Optional.of((name.equals(RUNTIME) ? "a" : "b").repeat(64));
        }

        @Override
        public List<BootEnvironment> all() {
            return List.of();
        }
    }
}
