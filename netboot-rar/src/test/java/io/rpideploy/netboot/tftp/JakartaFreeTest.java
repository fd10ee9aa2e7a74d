package io.rpideploy.netboot.tftp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engines and their SPI run without an application server: no {@code jakarta.*} import in them. */
class JakartaFreeTest {

    private static final List<String> PLAIN_PACKAGES = List.of("tftp", "policy", "dhcp", "udp", "api");

    @Test
    void enginePackagesImportNothingFromJakarta() throws IOException {
        Path base = sources().resolve("io/rpideploy/netboot");
        assertTrue(Files.isDirectory(base.resolve("tftp")), "sources not found under " + base);
        List<String> offenders;
        try (Stream<Path> packages = PLAIN_PACKAGES.stream().map(base::resolve).filter(Files::isDirectory)
                .flatMap(JakartaFreeTest::walk)) {
            offenders = packages.filter(p -> p.toString().endsWith(".java"))
                    .filter(JakartaFreeTest::importsJakarta)
                    .map(Path::toString).toList();
        }
        assertTrue(offenders.isEmpty(), "jakarta.* imported by " + offenders);
    }

    @Test
    void theScanFindsAJakartaImport(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("Bean.java"),
                "package x;\n\n  import jakarta.ejb.Stateless;\nclass Bean {}\n");
        Path clean = Files.writeString(dir.resolve("Plain.java"), "package x;\n// import jakarta.no\nclass P {}\n");
        assertTrue(importsJakarta(file), "the check must be able to fail");
        assertFalse(importsJakarta(clean));
    }

    private static boolean importsJakarta(Path file) {
        try {
            return Files.readAllLines(file).stream().map(String::strip)
                    .anyMatch(line -> line.startsWith("import jakarta.") || line.startsWith("import static jakarta."));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Stream<Path> walk(Path dir) {
        try {
            return Files.walk(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** src/main/java of this module, whether tests run from the module or the reactor root. */
    private static Path sources() {
        Path module = Path.of("src/main/java");
        return Files.isDirectory(module.resolve("io/rpideploy/netboot")) ? module
                : Path.of("netboot-rar/src/main/java");
    }
}
