package io.rpideploy.platform.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

class StartSummaryTest {

    /** Only what the summary reads: optional string values. */
    private static Config config(Map<String, String> values) {
        return (Config) Proxy.newProxyInstance(Config.class.getClassLoader(), new Class<?>[] {Config.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getOptionalValue")) {
                        return Optional.ofNullable(values.get((String) args[0]));
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void namesWhereTheConsoleAndTheDeploymentApiAnswer() {
        String summary = StartSummary.summary(config(Map.of("rpideploy.management.address", "10.0.101.5",
                "rpideploy.management.port", "5000", "rpideploy.management.tls-port", "5443",
                "rpideploy.deployment.address", "192.168.151.1", "rpideploy.deployment.port", "5001")), 12_345);
        assertEquals("""
                rpi-deploy started in 12.3 s
                  console and management API: http://10.0.101.5:5000/ and https://10.0.101.5:5443/
                  deployment API, images and boot files (boards): http://192.168.151.1:5001/
                  netboot:\s""" + StartSummary.netboot(), summary);
    }

    @Test
    void allInterfacesIsSaidAsSuch() {
        String summary = StartSummary.summary(config(Map.of()), 2_000);
        assertEquals("rpi-deploy started in 2.0 s\n  console and management API: http://<this host>:5000/ (all"
                + " interfaces)\n  deployment API, images and boot files (boards): http://<this host>:5001/ (all"
                + " interfaces)\n  netboot: " + StartSummary.netboot(), summary);
    }
}
