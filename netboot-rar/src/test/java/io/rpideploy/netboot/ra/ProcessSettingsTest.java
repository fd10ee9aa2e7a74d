package io.rpideploy.netboot.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ProcessSettingsTest {

    @Test
    void systemPropertiesWinOverTheEnvironmentWhichIsMappedAsMicroProfileConfigMapsIt() {
        Properties props = new Properties();
        props.setProperty("rpideploy.netboot.tftp-port", "1069");
        ProcessSettings s = new ProcessSettings(props, Map.of("RPIDEPLOY_NETBOOT_TFTP_PORT", "2069",
                "RPIDEPLOY_NETBOOT_INTERFACE", " eth1 ", "rpideploy_netboot_router", "10.0.0.254",
                "RPIDEPLOY_NETBOOT_DNS", " "));
        assertEquals(Optional.of("1069"), s.apply("rpideploy.netboot.tftp-port"));
        assertEquals(Optional.of("eth1"), s.apply("rpideploy.netboot.interface"));
        assertEquals(Optional.of("10.0.0.254"), s.apply("rpideploy.netboot.router"), "lower-case mapping");
        assertEquals(Optional.empty(), s.apply("rpideploy.netboot.dns"), "blank is unset");
        assertEquals(Optional.empty(), s.apply("rpideploy.netboot.server-ip"));
    }
}
