package io.rpideploy.netboot.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.netboot.dhcp.DhcpSettings;
import io.rpideploy.netboot.tftp.TftpSettings;
import java.time.Duration;
import java.util.Map;
import java.util.List;
import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void applicationSettingsOverrideTheSpecAndBlankDoesNot() {
        Settings s = Settings.of(Map.of("tftp-port", "69", "tftp-address", "127.0.0.1", "boot-root", "/srv/boot"),
                Map.of("tftp-port", "1069", "boot-root", " "));
        TftpSettings tftp = s.tftp();
        assertEquals(1069, tftp.bind().getPort());
        assertEquals("127.0.0.1", tftp.bind().getAddress().getHostAddress());
        assertEquals("/srv/boot", tftp.bootRoot().toString());
        assertEquals(Duration.ofSeconds(1), tftp.timeout());
    }

    @Test
    void dhcpIsOffWithoutAnInterfaceAndTftpWithoutAnyAddress() {
        Settings none = Settings.of(Map.of(), Map.of("boot-root", "/srv/boot"));
        assertFalse(none.dhcpEnabled());
        assertFalse(none.tftpEnabled());
        Settings tftpOnly = Settings.of(Map.of(), Map.of("tftp-address", "10.0.0.1"));
        assertFalse(tftpOnly.dhcpEnabled(), "DHCP only with a named interface");
        assertTrue(tftpOnly.tftpEnabled());
    }

    @Test
    void thePlansPoolIsDerivedFromTheServerAddress() {
        DhcpSettings d = Settings.of(Map.of(), Map.of("interface", "lo", "server-ip", "192.168.151.1",
                "subnet-mask", "255.255.255.0")).dhcp();
        assertEquals("192.168.151.100", d.poolStart().getHostAddress());
        assertEquals("192.168.151.250", d.poolEnd().getHostAddress());
        assertEquals(Duration.ofHours(12), d.leaseTime());
        assertNull(d.router(), "no option 3 unless asked: the deployment network is isolated");
        assertEquals(67, d.serverPort());
        assertEquals(Duration.ofMinutes(5), d.rogueCheckInterval());
    }

    @Test
    void theInterfacesAddressAndPrefixAreTheDefaults() {
        DhcpSettings d = Settings.of(Map.of("interface", "lo"), Map.of()).dhcp();
        assertEquals("127.0.0.1", d.serverIp().getHostAddress());
        assertEquals("255.0.0.0", d.subnetMask().getHostAddress());
        assertEquals("127.0.0.100", d.poolStart().getHostAddress());
    }

    @Test
    void durationsInTheUsualSpellings() {
        Settings s = Settings.of(Map.of("lease-time", "PT2H", "tftp-timeout", "500ms", "rogue-check-interval", "0"),
                Map.of());
        assertEquals(Duration.ofHours(2), s.duration("lease-time", "1s"));
        assertEquals(Duration.ofMillis(500), s.duration("tftp-timeout", "1s"));
        assertEquals(Duration.ZERO, s.duration("rogue-check-interval", "1s"));
        assertEquals(Duration.ofMinutes(30), Settings.of(Map.of("lease-time", "30m"), Map.of())
                .duration("lease-time", "1s"));
        assertEquals(Duration.ofSeconds(3600), Settings.of(Map.of("lease-time", "3600"), Map.of())
                .duration("lease-time", "1s"));
    }

    @Test
    void typosAreReportedWithTheSettingsName() {
        assertEquals("server-ip: '10.0.0.300' is not an IPv4 address", assertThrows(IllegalArgumentException.class,
                () -> Settings.of(Map.of("server-ip", "10.0.0.300"), Map.of())).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Settings.of(Map.of(), Map.of("lease-time", "twelve hours"))).getMessage()
                .startsWith("lease-time:"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Settings.of(Map.of(), Map.of("tftp-port", "sixty-nine"))).getMessage()
                .startsWith("tftp-port:"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Settings.of(Map.of("interface", "no-such-nic0"), Map.of()).dhcp()).getMessage()
                .contains("no network interface 'no-such-nic0'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Settings.of(Map.of(),
                Map.of("interface", "lo", "server-ip", "10.0.0.1", "subnet-mask", "255.255.255.0",
                        "pool-start", "10.0.1.100")).dhcp()).getMessage().startsWith("DHCP settings:"));
    }

    @Test
    void environmentRootsAreAListOfFolders() {
        assertEquals(List.of(java.nio.file.Path.of("/data/boot-env"), java.nio.file.Path.of("/data/installer-env")),
                Settings.paths("/data/boot-env:/data/installer-env: "));
        assertEquals(List.of(), Settings.paths(" "));
    }
}
