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
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("rpideploy.it.war")));
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
