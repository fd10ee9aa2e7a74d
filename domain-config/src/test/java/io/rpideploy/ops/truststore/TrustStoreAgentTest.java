package io.rpideploy.ops.truststore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustStoreAgentTest {

    private static final List<String> PROPERTIES = List.of("javax.net.ssl.trustStore",
            "javax.net.ssl.trustStorePassword", "javax.net.ssl.trustStoreType");

    /** What Payara reads at its start: the store written and named by the javax.net.ssl properties. */
    @Test
    void writesTheStoreAndPointsTheJvmAtIt(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("home/truststore/cacerts.p12");
        try {
            TrustStoreAgent.premain(store.toString());
            assertTrue(Files.size(store) > 0);
            assertTrue(Files.exists(dir.resolve("home/truststore/cacerts.p12.valid-until")));
            assertEquals(store.toString(), System.getProperty("javax.net.ssl.trustStore"));
            assertEquals("changeit", System.getProperty("javax.net.ssl.trustStorePassword"));
            assertEquals("JKS", System.getProperty("javax.net.ssl.trustStoreType"));
        } finally {
            PROPERTIES.forEach(System::clearProperty);
        }
    }

    /** A store that cannot be written leaves the JVM's settings alone (Payara then uses its own store). */
    @Test
    void aFailureChangesNothing(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        TrustStoreAgent.premain(file.resolve("cacerts.p12").toString());
        for (String property : PROPERTIES) {
            assertEquals(null, System.getProperty(property), property);
        }
    }
}
