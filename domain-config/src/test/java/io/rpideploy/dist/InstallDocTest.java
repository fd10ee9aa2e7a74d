package io.rpideploy.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What InstallDocIT takes from docs/install.md, checked without root: the marked blocks and the one substitution. */
class InstallDocTest {

    private static final Path DOC = Path.of("../docs/install.md");

    @Test
    void theDocsMarkedBlocksInstallConfigureUploadAndEndWithTheDoctor() throws IOException {
        String doc = Files.readString(DOC);
        List<String> blocks = InstallDoc.blocks(doc);
        assertTrue(blocks.size() >= 4, blocks.toString());
        assertTrue(blocks.get(0).contains("apt-get install ./rpi-deploy_"), blocks.get(0));
        String last = blocks.get(blocks.size() - 1).strip();
        assertTrue(last.endsWith("sudo rpideploy doctor"), "the steps end with the doctor: " + last);

        String script = InstallDoc.script(doc, "rpi-deploy_1.2.3~4_all.deb");
        assertTrue(script.startsWith("set -e"), script);
        assertTrue(script.contains("sudo apt-get install ./rpi-deploy_1.2.3~4_all.deb"), script);
        assertTrue(!script.contains("SNAPSHOT_all.deb"), script);
        Map<String, String> settings = InstallDoc.settings(script);
        assertTrue(settings.keySet().containsAll(List.of("RPIDEPLOY_MANAGEMENT_ADDRESS",
                "RPIDEPLOY_DEPLOYMENT_ADDRESS", "RPIDEPLOY_NETBOOT_INTERFACE")), settings.toString());
        // list items' blocks lose their indentation: a here-document's end marker must start its line
        assertTrue(script.contains("\nEOF\n"), script);
    }

    @Test
    void blocksAreTheMarkedOnesOnlyUnindented() {
        String md = "text\n```sh\nnot this\n```\n" + InstallDoc.MARK
                + "\n```sh\nsudo apt-get install ./rpi-deploy_0.1_all.deb\n```\n1. step\n   " + InstallDoc.MARK
                + "\n   ```sh\n   cat <<'EOF'\n   A=1\n   EOF\n   ```\n";
        assertEquals(List.of("sudo apt-get install ./rpi-deploy_0.1_all.deb\n", "cat <<'EOF'\nA=1\nEOF\n"),
                InstallDoc.blocks(md));
        assertEquals("set -e -x\nsudo apt-get install ./x_all.deb\ncat <<'EOF'\nA=1\nEOF\n",
                InstallDoc.script(md, "x_all.deb"));
    }

    @Test
    void aMarkWithoutABlockOrASecondPackageIsRefused() {
        assertThrows(IllegalStateException.class, () -> InstallDoc.blocks(InstallDoc.MARK + "\nprose\n"));
        String two = InstallDoc.MARK + "\n```sh\napt-get install ./rpi-deploy_1_all.deb ./rpi-deploy_2_all.deb\n```\n";
        assertThrows(IllegalStateException.class, () -> InstallDoc.script(two, "x_all.deb"));
        assertThrows(IllegalStateException.class, () -> InstallDoc.script(InstallDoc.MARK + "\n```sh\ntrue\n```\n",
                "x_all.deb"));
    }
}
