package io.rpideploy.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The archive the integration tests deploy: the war exactly as built (not a hand-picked subset of classes), on a
 * fresh, empty data directory so every run starts from the first migration and the first admin.
 */
final class ItServer {

    private ItServer() {
    }

    static WebArchive war() {
        freshHome();
        postBootWithRarFirst();
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("rpideploy.it.war")));
    }

    /**
     * Arquillian starts Payara Micro with {@code --deploy <war>} before our options, and Micro deploys in command-line
     * order; the rar must come first (the war's MDBs load its listener interfaces). Post-boot commands run before
     * command-line deployments, so the rar is deployed from there: domain-config's file plus one deploy line.
     */
    private static void postBootWithRarFirst() {
        try {
            String commands = Files.readString(Path.of(System.getProperty("rpideploy.it.postBoot")));
            Files.writeString(Path.of(System.getProperty("rpideploy.it.postBootWithRar")), commands
                    + "\n# integration tests: the adapter before the war\ndeploy --name netboot-rar "
                    + System.getProperty("rpideploy.it.rar") + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void freshHome() {
        Path home = Path.of(System.getenv("RPIDEPLOY_HOME"));
        try {
            if (Files.exists(home)) {
                try (Stream<Path> files = Files.walk(home)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            Files.createDirectories(home);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
