package io.rpideploy.installer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.installer.verify.Verifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OptionsTest {

    @TempDir
    Path dir;

    @Test
    void serverForms() throws Exception {
        assertEquals("http://192.168.151.1:5001", Options.serverUrl("192.168.151.1"));
        assertEquals("http://deploy:8080", Options.serverUrl("deploy:8080"));
        assertEquals("https://deploy.example/base", Options.serverUrl("https://deploy.example/base/"));
        assertEquals("http://[fd00::1]:5001", Options.serverUrl("[fd00::1]"));
        assertThrows(Options.UsageException.class, () -> Options.serverUrl("a b"));
    }

    @Test
    void kernelCommandLineThenSystemPropertiesThenArguments() throws Exception {
        Path cmdline = dir.resolve("cmdline");
        Files.writeString(cmdline, "console=tty1 root=/dev/nfs rpideploy.server=10.0.0.1 rpideploy.venue=CORO "
                + "rpideploy.product=RXP2 rpideploy.verify=sample rpideploy.no-reboot rpideploy.device=/dev/nvme0n1 "
                + "rpideploy.unknown=1 quiet\n");
        Properties props = new Properties();
        props.setProperty("rpideploy.cmdline", cmdline.toString());
        Options o = Options.parse(new String[0], props);
        assertEquals("http://10.0.0.1:5001", o.server());
        assertEquals("CORO", o.venue());
        assertEquals("RXP2", o.product());
        assertEquals(Verifier.Mode.SAMPLE, o.verify());
        assertFalse(o.reboot());
        assertEquals("/dev/nvme0n1", o.device());

        props.setProperty("rpideploy.venue", "SPA1");
        o = Options.parse(new String[] {"--verify", "none", "--product=kxp2"}, props);
        assertEquals("SPA1", o.venue());
        assertEquals(Verifier.Mode.NONE, o.verify());
        assertEquals("KXP2", o.product());
    }

    /** The line the server's TFTP hands a Pi (web-war BootFiles: the tree's line plus ours) is understood as is. */
    @Test
    void theNetbootServersCmdlineIsEnough() throws Exception {
        Path cmdline = dir.resolve("cmdline");
        Files.writeString(cmdline, "console=serial0,115200 console=tty1 rootwait rpideploy.server=http://192.168.151.1:5001"
                + " rpideploy.serial=1a2b3c4d rpideploy.product=KXP2 rpideploy.venue=CORO\n");
        Properties props = new Properties();
        props.setProperty("rpideploy.cmdline", cmdline.toString());
        Options o = Options.parse(new String[0], props);
        assertEquals("http://192.168.151.1:5001", o.server());
        assertEquals("KXP2", o.product());
        assertEquals("CORO", o.venue());
        assertEquals("auto", o.device());
    }

    @Test
    void defaultsAndUsageErrors() throws Exception {
        Properties props = new Properties();
        props.setProperty("rpideploy.cmdline", dir.resolve("none").toString());
        Options o = Options.parse(new String[] {"--server", "s"}, props);
        assertEquals("auto", o.device());
        assertEquals("sd", o.prefer());
        assertEquals(Verifier.Mode.FULL, o.verify());
        assertTrue(o.reboot());
        assertTrue(o.customizeEnabled());
        assertEquals(300_000, o.configWaitMillis());
        assertThrows(Options.UsageException.class, () -> Options.parse(new String[0], props));
        assertThrows(Options.UsageException.class, () -> Options.parse(new String[] {"--server", "s", "--product",
                "ABC"}, props));
        assertThrows(Options.UsageException.class, () -> Options.parse(new String[] {"--server", "s", "--bogus"}, props));
        assertThrows(Options.UsageException.class, () -> Options.parse(new String[] {"--server", "s", "--verify",
                "half"}, props));
        assertThrows(Options.UsageException.class, () -> Options.parse(new String[] {"--server"}, props));
        Options.UsageException help = assertThrows(Options.UsageException.class,
                () -> Options.parse(new String[] {"--help"}, props));
        assertTrue(help.help);
        assertTrue(help.getMessage().contains("--verify full|sample|none"));
    }
}
