package io.rpideploy.platform.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The netboot contract points one way: the application sees only {@code io.rpideploy.netboot.api} of the adapter
 * (listeners, records, vocabulary), never its engines ({@code dhcp}, {@code tftp}, {@code udp}), its SPI
 * ({@code policy}) or its shell ({@code ra}). Read from the sources, so a fully qualified use counts as well.
 */
class NetbootContractTest {

    private static final Pattern ADAPTER_USE = Pattern.compile(
            "io\\.rpideploy\\.netboot\\.(dhcp|tftp|udp|policy|ra)\\b");

    @Test
    void theApplicationUsesOnlyTheAdaptersApiPackage() throws IOException {
        Path sources = Path.of("src/main/java");
        List<String> offending = new ArrayList<>();
        int files = 0;
        try (Stream<Path> walk = Files.walk(sources)) {
            for (Path file : walk.filter(p -> p.toString().endsWith(".java")).toList()) {
                files++;
                String text = Files.readString(file);
                Matcher m = ADAPTER_USE.matcher(text);
                while (m.find()) {
                    offending.add(sources.relativize(file) + ": " + m.group());
                }
            }
        }
        assertTrue(files > 100, "the sources were found (" + files + " files)");
        assertEquals(List.of(), offending, "web-war may import only io.rpideploy.netboot.api of the adapter");
    }

    @Test
    void theCheckSeesAnEngineImport() {
        assertTrue(ADAPTER_USE.matcher("import io.rpideploy.netboot.tftp.BootTree;").find());
        assertTrue(ADAPTER_USE.matcher("io.rpideploy.netboot.dhcp.StandardBootPolicy x;").find());
        assertTrue(!ADAPTER_USE.matcher("import io.rpideploy.netboot.api.BootFile;").find());
        assertTrue(!ADAPTER_USE.matcher("import io.rpideploy.netboot.control.BootFiles;").find());
    }
}
