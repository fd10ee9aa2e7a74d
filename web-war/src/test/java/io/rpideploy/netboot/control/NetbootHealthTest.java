package io.rpideploy.netboot.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.netboot.api.NetbootStatus;
import jakarta.json.JsonObject;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NetbootHealthTest {

    @AfterEach
    void adapterGone() {
        NetbootStatus.adapterRunning(null);
    }

    private static NetbootHealth health(Map<String, String> values) {
        NetbootConfig config = new NetbootConfig();
        config.config = (Config) Proxy.newProxyInstance(NetbootHealthTest.class.getClassLoader(),
                new Class<?>[] {Config.class}, (proxy, method, args) -> method.getName().equals("getOptionalValue")
                        ? Optional.ofNullable(values.get((String) args[0])) : null);
        NetbootHealth health = new NetbootHealth();
        health.config = config;
        return health;
    }

    @Test
    void aBadPolicySettingMakesNetbootDownAndSaysWhich() {
        NetbootStatus.adapterRunning(Instant.now());
        assertEquals("up", health(Map.of()).check().getString("status"));
        JsonObject check = health(Map.of("rpideploy.netboot.boot-file-bios", "undi only.kpxe")).check();
        assertEquals("down", check.getString("status"));
        assertFalse(check.getJsonArray("settings").isEmpty());
        assertTrue(check.getJsonArray("settings").getString(0)
                .startsWith("rpideploy.netboot.boot-file-bios (RPIDEPLOY_NETBOOT_BOOT_FILE_BIOS): 'undi only.kpxe'"));
    }
}
