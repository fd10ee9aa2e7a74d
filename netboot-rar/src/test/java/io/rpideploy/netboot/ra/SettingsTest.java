package io.rpideploy.netboot.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.netboot.api.InvalidNetbootSettingException;
import io.rpideploy.netboot.api.NetbootSetting;
import io.rpideploy.netboot.dhcp.DhcpSettings;
import io.rpideploy.netboot.tftp.TftpSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class SettingsTest {

    /** The process's settings as MicroProfile Config names them. */
    private static Function<String, Optional<String>> process(Map<String, String> values) {
        return name -> Optional.ofNullable(values.get(name));
    }

    private static Settings read(Map<String, String> spec, Map<String, String> process) {
        return Settings.read(spec, process(process));
    }

    @Test
    void theProcessesSettingsOverrideTheSpecAndBlankDoesNot() {
        Settings s = read(Map.of("tftp-port", "69", "tftp-address", "127.0.0.1", "boot-root", "/srv/boot"),
                Map.of("rpideploy.netboot.tftp-port", "1069", "rpideploy.netboot.boot-root", " "));
        TftpSettings tftp = s.tftp();
        assertEquals(1069, tftp.bind().getPort());
        assertEquals("127.0.0.1", tftp.bind().getAddress().getHostAddress());
        assertEquals("/srv/boot", tftp.bootRoot().toString());
        assertEquals(Duration.ofSeconds(1), tftp.timeout());
    }

    @Test
    void withNothingSetTheBootRootAndTheServedEnvironmentsAreTheApplicationsFoldersUnderTheDataHome() {
        TftpSettings tftp = read(Map.of(), Map.of("rpideploy.netboot.tftp-address", "127.0.0.1",
                "rpideploy.home", "/var/lib/rpideploy")).tftp();
        assertEquals(Path.of("/var/lib/rpideploy/boot"), tftp.bootRoot());
        assertEquals(List.of(Path.of("/var/lib/rpideploy/boot-env"), Path.of("/var/lib/rpideploy/installer-env")),
                tftp.generatedRoots());
        TftpSettings bare = read(Map.of(), Map.of("rpideploy.netboot.tftp-address", "127.0.0.1")).tftp();
        assertEquals(Path.of("data/boot").toAbsolutePath(), bare.bootRoot(), "the README's ./data");
        TftpSettings own = read(Map.of(), Map.of("rpideploy.netboot.tftp-address", "127.0.0.1",
                "rpideploy.boot.dir", "/srv/boot", "rpideploy.boot-env.dir", "/srv/env",
                "rpideploy.boot-env.installer-dir", "/srv/installer")).tftp();
        assertEquals(Path.of("/srv/boot"), own.bootRoot());
        assertEquals(List.of(Path.of("/srv/env"), Path.of("/srv/installer")), own.generatedRoots());
    }

    @Test
    void dhcpIsOffWithoutAnInterfaceAndTftpWithoutAnyAddress() {
        Settings none = read(Map.of(), Map.of());
        assertFalse(none.dhcpEnabled());
        assertFalse(none.tftpEnabled());
        assertEquals(Optional.empty(), none.serverAddress());
        Settings tftpOnly = read(Map.of(), Map.of("rpideploy.netboot.tftp-address", "10.0.0.1"));
        assertFalse(tftpOnly.dhcpEnabled(), "DHCP only with a named interface");
        assertTrue(tftpOnly.tftpEnabled());
    }

    @Test
    void theServerAddressIsTheServerIpElseTheTftpAddressElseTheInterfaces() {
        assertEquals("10.0.0.1", read(Map.of("tftp-address", "10.0.0.2"),
                Map.of("rpideploy.netboot.server-ip", "10.0.0.1")).serverAddress().orElseThrow().getHostAddress());
        assertEquals("10.0.0.2", read(Map.of("tftp-address", "10.0.0.2", "interface", "lo"), Map.of())
                .serverAddress().orElseThrow().getHostAddress());
        assertEquals("127.0.0.1", read(Map.of(), Map.of("rpideploy.netboot.interface", "lo"))
                .serverAddress().orElseThrow().getHostAddress());
    }

    @Test
    void thePlansPoolIsDerivedFromTheServerAddress() {
        DhcpSettings d = read(Map.of(), Map.of("rpideploy.netboot.interface", "lo",
                "rpideploy.netboot.server-ip", "192.168.151.1", "rpideploy.netboot.subnet-mask", "255.255.255.0"))
                .dhcp();
        assertEquals("192.168.151.100", d.poolStart().getHostAddress());
        assertEquals("192.168.151.250", d.poolEnd().getHostAddress());
        assertEquals(Duration.ofHours(12), d.leaseTime());
        assertNull(d.router(), "no option 3 unless asked: the deployment network is isolated");
        assertEquals(67, d.serverPort());
        assertEquals(68, d.clientPort());
        assertEquals(Duration.ofMinutes(5), d.rogueCheckInterval());
    }

    @Test
    void theInterfacesAddressAndPrefixAreTheDefaults() {
        DhcpSettings d = read(Map.of("interface", "lo"), Map.of()).dhcp();
        assertEquals("127.0.0.1", d.serverIp().getHostAddress());
        assertEquals("255.0.0.0", d.subnetMask().getHostAddress());
        assertEquals("127.0.0.100", d.poolStart().getHostAddress());
    }

    @Test
    void theCatalogsDefaultsApplyWhenNothingIsSet() {
        Settings s = read(Map.of(), Map.of());
        assertEquals(Duration.ofSeconds(30), s.retryInterval());
        for (NetbootSetting<?> setting : NetbootSetting.all()) {
            if (setting.reader() == NetbootSetting.Reader.ADAPTER) {
                assertEquals(setting.defaultValue(), s.get(setting), setting.key());
            }
        }
    }

    @Test
    void typosAreReportedWithTheSettingsNameBeforeAnythingRuns() {
        InvalidNetbootSettingException ip = assertThrows(InvalidNetbootSettingException.class,
                () -> read(Map.of("server-ip", "10.0.0.300"), Map.of()));
        assertEquals("rpideploy.netboot.server-ip (RPIDEPLOY_NETBOOT_SERVER_IP): '10.0.0.300' is not an IPv4 address",
                ip.getMessage());
        assertEquals(NetbootSetting.SERVER_IP, ip.setting());
        assertTrue(assertThrows(InvalidNetbootSettingException.class,
                () -> read(Map.of(), Map.of("rpideploy.netboot.lease-time", "twelve hours"))).getMessage()
                .startsWith("rpideploy.netboot.lease-time "));
        assertEquals(NetbootSetting.TFTP_PORT, assertThrows(InvalidNetbootSettingException.class,
                () -> read(Map.of(), Map.of("rpideploy.netboot.tftp-port", "sixty-nine"))).setting());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> read(Map.of("interface", "no-such-nic0"), Map.of()).dhcp()).getMessage()
                .contains("no network interface 'no-such-nic0'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> read(Map.of(),
                Map.of("rpideploy.netboot.interface", "lo", "rpideploy.netboot.server-ip", "10.0.0.1",
                        "rpideploy.netboot.subnet-mask", "255.255.255.0", "rpideploy.netboot.pool-start",
                        "10.0.1.100")).dhcp()).getMessage().startsWith("DHCP settings:"));
    }

    @Test
    void applicationSettingsAreNotTheAdaptersToCheck() {
        // a typo in the policy's settings is the application's to report; the servers still start
        Settings s = read(Map.of(), Map.of("rpideploy.netboot.pi-architecture-zero", "maybe"));
        assertFalse(s.dhcpEnabled());
    }

    @Test
    void theSpecValidatesItsPropertiesByTheCatalog() throws Exception {
        TftpActivationSpec spec = new TftpActivationSpec();
        spec.setTftpMaxBlockSize("65464");
        spec.validate();
        spec.setTftpMaxBlockSize("100");
        String message = assertThrows(jakarta.resource.spi.InvalidPropertyException.class, spec::validate)
                .getMessage();
        assertTrue(message.startsWith("rpideploy.netboot.tftp-max-block-size"), message);
        spec.setTftpMaxBlockSize(" ");
        spec.validate();
        assertNull(spec.getTftpMaxBlockSize(), "blank clears a property");
    }
}
