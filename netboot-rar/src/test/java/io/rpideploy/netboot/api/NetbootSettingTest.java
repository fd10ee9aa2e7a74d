package io.rpideploy.netboot.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NetbootSettingTest {

    private static String problem(NetbootSetting<?> setting, String text) {
        InvalidNetbootSettingException e = assertThrows(InvalidNetbootSettingException.class,
                () -> setting.parse(text));
        assertEquals(setting, e.setting());
        String prefix = setting.configName() + " (" + setting.environmentName() + "): ";
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
        return e.getMessage().substring(prefix.length());
    }

    @Test
    void namesFollowMicroProfileConfigAndTheJavaBeanConvention() {
        assertEquals("rpideploy.netboot.tftp-max-block-size", NetbootSetting.TFTP_MAX_BLOCK_SIZE.configName());
        assertEquals("RPIDEPLOY_NETBOOT_TFTP_MAX_BLOCK_SIZE", NetbootSetting.TFTP_MAX_BLOCK_SIZE.environmentName());
        assertEquals("tftpMaxBlockSize", NetbootSetting.TFTP_MAX_BLOCK_SIZE.propertyName());
        assertEquals("interface", NetbootSetting.INTERFACE.propertyName());
        assertEquals(Optional.of(NetbootSetting.SERVER_IP), NetbootSetting.byKey("server-ip"));
    }

    @Test
    void everyNameIsUniqueAndEveryDocumentedDefaultMatchesTheValue() {
        Set<String> keys = new HashSet<>();
        for (NetbootSetting<?> s : NetbootSetting.all()) {
            assertTrue(keys.add(s.key()), "twice: " + s);
            assertFalse(s.meaning().isBlank(), s.key());
            assertFalse(s.meaning().contains("\n") || s.meaning().contains("|"), "one table cell: " + s);
            if (s.defaultValue().isPresent()) {
                String literal = s.documentedDefault().replace("`", "");
                assertEquals(s.defaultValue().get(), s.parse(literal), s.key());
            }
        }
        assertEquals(27, keys.size());
    }

    @Test
    void defaultsAreTypedValues() {
        assertEquals(Optional.of(Duration.ofHours(12)), NetbootSetting.LEASE_TIME.defaultValue());
        assertEquals(Optional.of(Duration.ofMinutes(5)), NetbootSetting.ROGUE_CHECK_INTERVAL.defaultValue());
        assertEquals(Optional.of(Duration.ofSeconds(30)), NetbootSetting.RETRY_INTERVAL.defaultValue());
        assertEquals(Optional.of(69), NetbootSetting.TFTP_PORT.defaultValue());
        assertEquals(Optional.of(65464), NetbootSetting.TFTP_MAX_BLOCK_SIZE.defaultValue());
        assertEquals(Optional.of(false), NetbootSetting.PI_ARCHITECTURE_ZERO.defaultValue());
        assertEquals(Optional.of("undionly.kpxe"), NetbootSetting.BOOT_FILE_BIOS.defaultValue());
        assertEquals(Optional.of(30), NetbootSetting.EVENT_RETENTION_DAYS.defaultValue());
        assertEquals(Optional.empty(), NetbootSetting.INTERFACE.defaultValue());
        assertEquals(Optional.empty(), NetbootSetting.BOOT_ROOT.defaultValue(), "derived from the data home");
    }

    @Test
    void readingTakesTheSourceElseTheDefaultAndBlankIsUnset() {
        assertEquals(Optional.of(1069), NetbootSetting.TFTP_PORT.read(n -> Optional.of(" 1069 ")));
        assertEquals(Optional.of(69), NetbootSetting.TFTP_PORT.read(n -> Optional.of("  ")));
        assertEquals(Optional.empty(), NetbootSetting.ROUTER.read(n -> Optional.empty()));
        Map<String, String> env = Map.of("rpideploy.netboot.dns", "10.0.0.53, 10.0.0.54");
        assertEquals(2, NetbootSetting.DNS.read(n -> Optional.ofNullable(env.get(n))).orElseThrow().size());
    }

    @Test
    void durationsInTheUsualSpellings() {
        assertEquals(Duration.ofHours(2), NetbootSetting.LEASE_TIME.parse("PT2H"));
        assertEquals(Duration.ofMinutes(30), NetbootSetting.LEASE_TIME.parse("30m"));
        assertEquals(Duration.ofSeconds(3600), NetbootSetting.LEASE_TIME.parse("3600"));
        assertEquals(Duration.ofDays(1), NetbootSetting.LEASE_TIME.parse("1d"));
        assertEquals(Duration.ofMillis(500), NetbootSetting.TFTP_TIMEOUT.parse("500ms"));
        assertEquals(Duration.ZERO, NetbootSetting.ROGUE_CHECK_INTERVAL.parse("0"), "0: never");
    }

    @Test
    void badValuesGetOneClearMessage() {
        assertEquals("'twelve hours' is not a duration (e.g. 12h, 30m, 90s, 500ms)",
                problem(NetbootSetting.LEASE_TIME, "twelve hours"));
        assertEquals("'30s' is shorter than 60 s", problem(NetbootSetting.LEASE_TIME, "30s"));
        assertEquals("'0' is shorter than 1 ms", problem(NetbootSetting.TFTP_TIMEOUT, "0"));
        assertEquals("'PT-5S' is shorter than 0 ms", problem(NetbootSetting.ROGUE_CHECK_INTERVAL, "PT-5S"));
        assertEquals("'10.0.0.300' is not an IPv4 address", problem(NetbootSetting.SERVER_IP, "10.0.0.300"));
        assertEquals("'deploy.example' is not an IPv4 address", problem(NetbootSetting.ROUTER, "deploy.example"),
                "never a name lookup");
        assertEquals("'255.0.255.0' is not a subnet mask (like 255.255.255.0)",
                problem(NetbootSetting.SUBNET_MASK, "255.0.255.0"));
        assertEquals("'10.0.0.1;10.0.0.2' is not an IPv4 address", problem(NetbootSetting.DNS, "10.0.0.1;10.0.0.2"));
        assertEquals("70000 is not in 1..65535", problem(NetbootSetting.DHCP_PORT, "70000"));
        assertEquals("0 is not in 1..65535", problem(NetbootSetting.TFTP_PORT, "0"));
        assertEquals("'sixty-nine' is not a whole number", problem(NetbootSetting.TFTP_PORT, "sixty-nine"));
        assertEquals("100 is not in 512..65464", problem(NetbootSetting.TFTP_MAX_BLOCK_SIZE, "100"));
        assertEquals("0 is not in 1..65535", problem(NetbootSetting.TFTP_MAX_WINDOW_SIZE, "0"));
        assertEquals("'yes' is not true or false", problem(NetbootSetting.PI_ARCHITECTURE_ZERO, "yes"));
        assertEquals("'a very long interface name' is not a network interface name (like eth1)",
                problem(NetbootSetting.INTERFACE, "a very long interface name"));
        assertTrue(problem(NetbootSetting.BOOT_FILE_BIOS, "undi only.kpxe").startsWith("'undi only.kpxe' is not a"));
        assertEquals("'2c:cf:67:12:34=192.168.151.20' is not MAC=IPv4 (like 2c:cf:67:12:34:56=192.168.151.20)",
                problem(NetbootSetting.RESERVATIONS, "2c:cf:67:12:34:56=192.168.151.21, 2c:cf:67:12:34=192.168.151.20"));
        assertEquals("'192.168.151.256' is not an IPv4 address",
                problem(NetbootSetting.RESERVATIONS, "2c:cf:67:12:34:56=192.168.151.256"));
        assertEquals("empty; leave it unset for the default", problem(NetbootSetting.TFTP_PORT, " "));
    }

    @Test
    void goodValuesParse() {
        assertEquals(List.of(NetbootSetting.SERVER_IP.parse("10.0.0.53")), NetbootSetting.DNS.parse("10.0.0.53"));
        assertEquals(Path.of("/srv/boot"), NetbootSetting.BOOT_ROOT.parse("/srv/boot"));
        assertEquals(true, NetbootSetting.PI_ARCHITECTURE_ZERO.parse("TRUE"));
        assertEquals("eth1", NetbootSetting.INTERFACE.parse("eth1"));
        assertEquals("2c:cf:67:12:34:56=192.168.151.20",
                NetbootSetting.RESERVATIONS.parse("2c:cf:67:12:34:56=192.168.151.20"));
        assertEquals("255.255.255.0", NetbootSetting.SUBNET_MASK.parse("255.255.255.0").getHostAddress());
    }

    @Test
    void dataFoldersLieUnderTheHomeUnlessSet() {
        DataFolders home = DataFolders.from(n -> n.equals("rpideploy.home") ? Optional.of("/data") : Optional.empty());
        assertEquals(new DataFolders(Path.of("/data/boot"), Path.of("/data/boot-env"), Path.of("/data/installer-env")),
                home);
        Map<String, String> set = Map.of("rpideploy.home", "/data", "rpideploy.boot.dir", "/srv/b/../boot",
                "rpideploy.boot-env.dir", " ", "rpideploy.boot-env.installer-dir", "/srv/installer");
        assertEquals(new DataFolders(Path.of("/srv/boot"), Path.of("/data/boot-env"), Path.of("/srv/installer")),
                DataFolders.from(n -> Optional.ofNullable(set.get(n))));
        assertEquals(Path.of("data", "boot").toAbsolutePath(), DataFolders.from(n -> Optional.empty()).boot(),
                "./data, as the start script and the application default it");
    }
}
