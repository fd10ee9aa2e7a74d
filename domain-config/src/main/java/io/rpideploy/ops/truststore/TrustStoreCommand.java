package io.rpideploy.ops.truststore;

import io.rpideploy.ops.OpsCommand;
import io.rpideploy.ops.OpsEnvironment;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.List;

/**
 * {@code rpideploy trust-store --output FILE}: the trust store the server starts with, as {@link TrustStoreAgent}
 * writes it at a start when the last one is out of date (by hand: to see what it holds). Payara checks every
 * certificate of its trust store at start and logs each expired one with its whole dump; its bundled store ages with
 * the runtime release. This writes the Java runtime's CA certificates (on Debian and Ubuntu the system's, kept
 * current by ca-certificates-java) without the expired ones, and beside it {@code FILE.valid-until}: the second the
 * first kept certificate expires, and the source file, so the start script knows without a JVM when it is stale.
 */
public final class TrustStoreCommand implements OpsCommand {

    /** Payara reads its trust store with this password unless told otherwise (javax.net.ssl.trustStorePassword). */
    public static final String PASSWORD = "changeit";
    /**
     * JKS, not PKCS12: it holds public certificates only, and a PKCS12 store's encryption and MAC (10,000 PBKDF2
     * rounds each) would cost every start that writes it a quarter of a second for no protection.
     */
    public static final String TYPE = "JKS";

    private final Clock clock;

    public TrustStoreCommand() {
        this(Clock.systemUTC());
    }

    TrustStoreCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "trust-store";
    }

    @Override
    public String summary() {
        return "--output FILE  write a trust store of the system's CA certificates not expired (as at start)";
    }

    @Override
    public int run(List<String> args, OpsEnvironment env, PrintStream out, PrintStream err) throws Exception {
        Path output = null;
        Path source = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
        for (int i = 0; i < args.size(); i++) {
            String option = args.get(i);
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(option + " needs a value (usage: rpideploy trust-store --output"
                        + " FILE [--source CACERTS])");
            }
            switch (option) {
                case "--output" -> output = Path.of(args.get(++i)).toAbsolutePath().normalize();
                case "--source" -> source = Path.of(args.get(++i)).toAbsolutePath().normalize();
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        if (output == null) {
            throw new IllegalArgumentException("usage: rpideploy trust-store --output FILE [--source CACERTS]");
        }
        Written written = write(source, output, clock.instant());
        out.printf("trust store %s: %d CA certificates of %s (%d expired left out)%n", output, written.kept(),
                source, written.expired());
        return 0;
    }

    record Written(int kept, int expired, Instant validUntil) {
    }

    static Written write(Path source, Path output, Instant now) throws IOException, GeneralSecurityException {
        KeyStore from = KeyStore.getInstance(source.toFile(), PASSWORD.toCharArray());
        KeyStore to = KeyStore.getInstance(TYPE);
        to.load(null, null);
        int kept = 0;
        int expired = 0;
        Instant validUntil = Instant.MAX;
        for (String alias : Collections.list(from.aliases())) {
            Certificate certificate = from.getCertificate(alias);
            if (!from.isCertificateEntry(alias) || !(certificate instanceof X509Certificate x509)) {
                continue;
            }
            Instant notAfter = x509.getNotAfter().toInstant();
            if (!notAfter.isAfter(now)) {
                expired++;
                continue;
            }
            to.setCertificateEntry(alias, certificate);
            kept++;
            validUntil = notAfter.isBefore(validUntil) ? notAfter : validUntil;
        }
        if (kept == 0) {
            throw new IOException(source + " holds no CA certificate that is still valid");
        }
        Files.createDirectories(output.getParent());
        Path temp = output.resolveSibling("." + output.getFileName() + ".tmp");
        try (OutputStream stream = Files.newOutputStream(temp)) {
            to.store(stream, PASSWORD.toCharArray());
        }
        Files.move(temp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        // read by bin/rpideploy: "<epoch second> <source>"
        Files.writeString(output.resolveSibling(output.getFileName() + ".valid-until"),
                validUntil.getEpochSecond() + " " + source + "\n", StandardCharsets.UTF_8);
        return new Written(kept, expired, validUntil);
    }
}
