package io.rpideploy.ops.truststore;

import java.nio.file.Path;
import java.time.Instant;

/**
 * Writes the server's trust store inside the server's own JVM, before Payara's main runs ({@code -javaagent}, added
 * by bin/rpideploy only when the store is missing or out of date): a fresh data directory costs no second JVM at
 * start, only reading the runtime's CA certificates once. Payara then copies the store named by
 * javax.net.ssl.trustStore into its runtime folder. A failure leaves Payara its bundled store.
 */
public final class TrustStoreAgent {

    private TrustStoreAgent() {
    }

    /** @param output the trust store to write (the agent's argument) */
    public static void premain(String output) {
        try {
            Path store = Path.of(output).toAbsolutePath();
            TrustStoreCommand.write(Path.of(System.getProperty("java.home"), "lib", "security", "cacerts"), store,
                    Instant.now());
            System.setProperty("javax.net.ssl.trustStore", store.toString());
            System.setProperty("javax.net.ssl.trustStorePassword", TrustStoreCommand.PASSWORD);
            System.setProperty("javax.net.ssl.trustStoreType", TrustStoreCommand.TYPE);
        } catch (Exception | LinkageError e) {
            System.err.println("rpi-deploy: could not write the trust store " + output + " (" + e
                    + "): Payara's bundled trust store is used");
        }
    }
}
