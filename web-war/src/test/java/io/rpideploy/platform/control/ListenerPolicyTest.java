package io.rpideploy.platform.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ListenerPolicyTest {

    @ParameterizedTest
    @ValueSource(strings = {"/api/config", "/api/status", "/images/kxp2.img", "/boot/config.txt", "/api/status/",
            "/api/config/"})
    void deploymentPathsBelongToThePis(String path) {
        assertTrue(ListenerPolicy.isDeploymentPath(path));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/venues", "/api/configx", "/api/config/x", "/imagesx", "/index.xhtml", "/api/stats",
            "/images", "/health"})
    void everythingElseIsManagement(String path) {
        assertFalse(ListenerPolicy.isDeploymentPath(path));
    }
}
