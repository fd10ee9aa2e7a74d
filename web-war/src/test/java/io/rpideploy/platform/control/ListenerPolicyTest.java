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

    @org.junit.jupiter.api.Test
    void theManagementListenerOnAllAddressesDoesNotAnswerOnTheDeploymentAddress() {
        assertTrue(ListenerPolicy.reachedThroughDeploymentAddress("192.168.151.1", "0.0.0.0", "192.168.151.1"));
        assertFalse(ListenerPolicy.reachedThroughDeploymentAddress("10.0.101.5", "0.0.0.0", "192.168.151.1"),
                "the management network is served");
        assertFalse(ListenerPolicy.reachedThroughDeploymentAddress("192.168.151.1", "0.0.0.0", "0.0.0.0"),
                "no deployment address given: nothing to tell apart");
        assertFalse(ListenerPolicy.reachedThroughDeploymentAddress("127.0.0.1", "127.0.0.1", "127.0.0.1"),
                "both listeners on one address on purpose (tests, a laptop)");
    }
}
