package io.rpideploy.netboot.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README's settings table and the catalog agree: its {@code RPIDEPLOY_NETBOOT_*} rows are exactly the rows
 * generated from {@link NetbootSetting}, in order, each with its default and meaning. On a mismatch the message
 * holds the rows to paste into the README.
 */
class ReadmeSettingsTableTest {

    private static final Path README = Path.of("..", "README.md");

    /** A row of the README's table {@code | Setting | Default | Meaning |}. */
    static String row(NetbootSetting<?> setting) {
        return "| `" + setting.environmentName() + "` | " + setting.documentedDefault() + " | " + setting.meaning()
                + " |";
    }

    @Test
    void theNetbootRowsAreTheCatalogs() throws Exception {
        List<String> lines = Files.readAllLines(README);
        List<String> documented = netbootRows(lines);
        List<String> generated = generated();
        assertEquals(generated, documented, "the README's netboot rows, as the catalog has them:\n"
                + generated.stream().collect(Collectors.joining("\n")) + "\n");
        int first = lines.indexOf(generated.get(0));
        assertEquals(generated, lines.subList(first, first + generated.size()), "together in one place");
        assertTrue(lines.subList(0, first).contains("| Setting | Default | Meaning |"), "in the settings table");
    }

    @Test
    void aStrayRowOrAnotherDefaultIsSeen() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(README));
        int at = lines.indexOf(generated().get(0));
        lines.add(at, "| `RPIDEPLOY_NETBOOT_TURBO` | `on` | Goes faster. |");
        assertNotEquals(generated(), netbootRows(lines), "a row the catalog does not know");
        lines.remove(at);
        lines.set(at + 5, lines.get(at + 5).replace("`12h`", "`24h`"));
        assertNotEquals(generated(), netbootRows(lines), "a default the catalog does not have");
    }

    private static List<String> generated() {
        return NetbootSetting.all().stream().map(ReadmeSettingsTableTest::row).toList();
    }

    /** Every table row that names a netboot setting. */
    private static List<String> netbootRows(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("|") && l.contains("RPIDEPLOY_NETBOOT_")).toList();
    }
}
