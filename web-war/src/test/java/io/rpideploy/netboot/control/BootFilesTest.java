package io.rpideploy.netboot.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.rpideploy.netboot.policy.BootFileSource;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootFilesTest {

    @TempDir
    Path root;

    private final InetSocketAddress pi = new InetSocketAddress("192.168.151.101", 49152);

    @Test
    void cmdlineIsTheTreesLineWithTheInstallersSettingsAndTheBoardsSerial() throws Exception {
        Files.writeString(root.resolve("cmdline.txt"), "console=tty1 rootwait rpideploy.server=http://stale:1\n");
        BootFiles files = files(Map.of("rpideploy.netboot.server-ip", "192.168.151.1",
                "rpideploy.deployment.default-venue", "CORO"));
        BootFileSource.BootFile answer = files.open(pi, "1a2b3c4d/cmdline.txt");
        String line = new String(assertInstanceOf(BootFileSource.Generated.class, answer).content(),
                StandardCharsets.US_ASCII);
        assertEquals("console=tty1 rootwait rpideploy.server=http://192.168.151.1:5001 rpideploy.serial=1a2b3c4d"
                + " rpideploy.venue=CORO\n", line);
    }

    @Test
    void aPerBoardCmdlineIsTheBaseAndAPublicUrlWins() throws Exception {
        Files.createDirectories(root.resolve("1a2b3c4d"));
        Files.writeString(root.resolve("1a2b3c4d/cmdline.txt"), "console=serial0,115200 quiet");
        BootFiles files = files(Map.of("rpideploy.deployment.public-url", "http://deploy.example:8080/"));
        String line = new String(((BootFileSource.Generated) files.open(pi, "1a2b3c4d/cmdline.txt")).content(),
                StandardCharsets.US_ASCII);
        assertEquals("console=serial0,115200 quiet rpideploy.server=http://deploy.example:8080"
                + " rpideploy.serial=1a2b3c4d\n", line);
    }

    @Test
    void withoutACmdlineInTheTreeADefaultLineIsServedAndOtherNamesComeFromTheTree() throws Exception {
        Files.write(root.resolve("start4.elf"), new byte[] {1, 2, 3});
        BootFiles files = files(Map.of("rpideploy.netboot.server-ip", "10.0.0.1"));
        String line = new String(((BootFileSource.Generated) files.open(pi, "cmdline.txt")).content(),
                StandardCharsets.US_ASCII);
        assertEquals(BootFiles.DEFAULT_CMDLINE + " rpideploy.server=http://10.0.0.1:5001\n", line);
        assertEquals(root.resolve("start4.elf"),
                assertInstanceOf(BootFileSource.OnDisk.class, files.open(pi, "1a2b3c4d/start4.elf")).path());
        assertEquals(2, assertInstanceOf(BootFileSource.Refused.class, files.open(pi, "../cmdline.txt"))
                .errorCode(), "the tree's confinement still applies");
        assertEquals(1, ((BootFileSource.Refused) files.open(pi, "missing.dtb")).errorCode());
    }

    private BootFiles files(Map<String, String> settings) {
        Map<String, String> all = new java.util.HashMap<>(settings);
        all.put("rpideploy.netboot.boot-root", root.toString());
        NetbootConfig config = new NetbootConfig();
        config.config = (Config) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Config.class},
                (proxy, method, args) -> method.getName().equals("getOptionalValue")
                        ? Optional.ofNullable(all.get((String) args[0])) : null);
        BootFiles files = new BootFiles();
        files.config = config;
        files.open();
        return files;
    }
}
