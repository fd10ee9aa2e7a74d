package io.rpideploy.netboot.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rpideploy.netboot.api.NetbootSetting;
import io.rpideploy.platform.control.DomainException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

class NetbootConfigTest {

    private static NetbootConfig config(Map<String, String> values) {
        NetbootConfig config = new NetbootConfig();
        config.config = (Config) Proxy.newProxyInstance(NetbootConfigTest.class.getClassLoader(),
                new Class<?>[] {Config.class}, (proxy, method, args) -> method.getName().equals("getOptionalValue")
                        ? Optional.ofNullable(values.get((String) args[0])) : null);
        return config;
    }

    @Test
    void unsetSettingsHaveTheCatalogsDefaults() {
        NetbootConfig config = config(Map.of());
        assertEquals(Optional.of("undionly.kpxe"), config.get(NetbootSetting.BOOT_FILE_BIOS));
        assertEquals(Optional.of(30), config.get(NetbootSetting.EVENT_RETENTION_DAYS));
        assertEquals(Optional.of(false), config.get(NetbootSetting.PI_ARCHITECTURE_ZERO));
        assertEquals(Optional.empty(), config.get(NetbootSetting.RESERVATIONS));
        assertEquals(List.of(), config.problems());
    }

    @Test
    void setValuesAreParsed() {
        NetbootConfig config = config(Map.of("rpideploy.netboot.event-retention-days", " 7 ",
                "rpideploy.netboot.pi-architecture-zero", "true"));
        assertEquals(Optional.of(7), config.get(NetbootSetting.EVENT_RETENTION_DAYS));
        assertEquals(Optional.of(true), config.get(NetbootSetting.PI_ARCHITECTURE_ZERO));
    }

    @Test
    void aBadValueIsAProblemNamingTheSettingNeverAStackTrace() {
        NetbootConfig config = config(Map.of("rpideploy.netboot.event-retention-days", "a month",
                "rpideploy.netboot.pi-architecture-zero", "yes", "rpideploy.netboot.tftp-port", "x"));
        DomainException bad = assertThrows(DomainException.class,
                () -> config.get(NetbootSetting.EVENT_RETENTION_DAYS));
        assertEquals("rpideploy.netboot.event-retention-days", bad.field());
        assertEquals(List.of("rpideploy.netboot.pi-architecture-zero (RPIDEPLOY_NETBOOT_PI_ARCHITECTURE_ZERO): 'yes'"
                        + " is not true or false",
                "rpideploy.netboot.event-retention-days (RPIDEPLOY_NETBOOT_EVENT_RETENTION_DAYS): 'a month' is not"
                        + " a whole number"), config.problems(), "the adapter reports its own (tftp-port)");
    }

    @Test
    void theCatalogsBootFileDefaultsAreTheNamesTheServerGenerates() {
        assertEquals(Optional.of(BootFiles.GRUB_ARM64), NetbootSetting.BOOT_FILE_UEFI_ARM64.defaultValue());
        assertEquals(Optional.of(BootFiles.IPXE_SCRIPT), NetbootSetting.BOOT_FILE_IPXE.defaultValue());
    }
}
