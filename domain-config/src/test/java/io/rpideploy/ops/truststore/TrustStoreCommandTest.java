package io.rpideploy.ops.truststore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustStoreCommandTest {

    @TempDir
    Path dir;

    /** A CA certificate (trusted entry) made with keytool, valid from {@code start} for {@code days}. */
    private void addCa(Path store, String alias, String start, int days) throws Exception {
        Path keys = dir.resolve(alias + ".p12");
        Path cert = dir.resolve(alias + ".crt");
        keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + alias,
                "-startdate", start, "-validity", String.valueOf(days), "-storetype", "PKCS12", "-keystore",
                keys.toString(), "-storepass", "changeit");
        keytool("-exportcert", "-alias", alias, "-keystore", keys.toString(), "-storepass", "changeit", "-file",
                cert.toString());
        keytool("-importcert", "-noprompt", "-alias", alias, "-file", cert.toString(), "-storetype", "JKS",
                "-keystore", store.toString(), "-storepass", "changeit");
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
    }

    @Test
    void expiredCertificatesAreLeftOutAndTheFirstExpiryIsRecorded() throws Exception {
        Path source = dir.resolve("cacerts");
        addCa(source, "old", "-400d", 30);
        addCa(source, "soon", "-1d", 10);
        addCa(source, "later", "-1d", 1000);
        Path output = dir.resolve("home/truststore/cacerts.p12");

        TrustStoreCommand.Written written = TrustStoreCommand.write(source, output, Instant.now());

        assertEquals(2, written.kept());
        assertEquals(1, written.expired());
        KeyStore store = KeyStore.getInstance(output.toFile(), TrustStoreCommand.PASSWORD.toCharArray());
        assertEquals("JKS", store.getType());
        List<String> aliases = Collections.list(store.aliases());
        assertEquals(List.of("later", "soon"), aliases.stream().sorted().toList());
        assertTrue(store.isCertificateEntry("soon"));
        Instant soon = ((X509Certificate) store.getCertificate("soon")).getNotAfter().toInstant();
        assertEquals(soon.getEpochSecond() + " " + source + "\n",
                Files.readString(dir.resolve("home/truststore/cacerts.p12.valid-until")));
        assertFalse(Files.exists(dir.resolve("home/truststore/.cacerts.p12.tmp")));
    }

    @Test
    void aSourceWithNothingValidIsAnErrorNotAnEmptyStore() throws Exception {
        Path source = dir.resolve("cacerts");
        addCa(source, "old", "-400d", 30);
        Path output = dir.resolve("cacerts.p12");
        IOException e = assertThrows(IOException.class, () -> TrustStoreCommand.write(source, output, Instant.now()));
        assertTrue(e.getMessage().contains("no CA certificate that is still valid"));
        assertFalse(Files.exists(output));
    }

    /** This host's Java runtime: its store loads with the default password, and the result has no expired entry. */
    @Test
    void theRuntimesOwnStoreWorks() throws Exception {
        Path source = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
        Path output = dir.resolve("cacerts.p12");
        TrustStoreCommand.Written written = TrustStoreCommand.write(source, output, Instant.now());
        assertTrue(written.kept() > 50, "a system's set of roots: " + written.kept());
        KeyStore store = KeyStore.getInstance(output.toFile(), TrustStoreCommand.PASSWORD.toCharArray());
        for (String alias : Collections.list(store.aliases())) {
            assertTrue(((X509Certificate) store.getCertificate(alias)).getNotAfter().toInstant().isAfter(Instant.now()),
                    alias);
        }
    }
}
