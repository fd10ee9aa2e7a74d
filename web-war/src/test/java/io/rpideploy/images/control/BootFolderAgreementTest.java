package io.rpideploy.images.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rpideploy.netboot.api.DataFolders;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The boot folder served over HTTP is the one the netboot adapter serves over TFTP by default: both derive it from
 * the same settings ({@link DataFolders} on the adapter's side).
 */
class BootFolderAgreementTest {

    private static void agree(String home, Optional<String> bootDir) {
        ImageStore store = new ImageStore();
        store.home = home;
        store.imagesSetting = Optional.empty();
        store.bootSetting = bootDir;
        store.resolve();
        Map<String, String> settings = bootDir.map(d -> Map.of(DataFolders.HOME, home, DataFolders.BOOT_DIR, d))
                .orElse(Map.of(DataFolders.HOME, home));
        assertEquals(DataFolders.from(n -> Optional.ofNullable(settings.get(n))).boot(), store.boot(),
                home + " " + bootDir);
    }

    @Test
    void theHttpAndTftpBootTreesAreOneFolder() {
        agree("./data", Optional.empty());
        agree("/var/lib/rpideploy", Optional.empty());
        agree("/var/lib/rpideploy", Optional.of("/srv/boot"));
        agree("relative/home", Optional.of("relative/boot"));
    }
}
