package io.rpideploy.bootenv.control;

import io.rpideploy.hostnames.entity.Product;
import io.rpideploy.images.control.BootFileFallback;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The boot environments over HTTP, below the operator's boot folder: {@code /boot/installer-env/<file>} (the
 * runtime and installer the initramfs fetches) and {@code /boot/<PRODUCT>/<file>} (what iPXE loads).
 */
@ApplicationScoped
public class BootEnvironmentFiles implements BootFileFallback {

    @Inject
    BootEnvironments environments;

    @Override
    public Optional<Path> find(String relative) {
        int slash = relative.indexOf('/');
        if (slash <= 0) {
            return Optional.empty();
        }
        String first = relative.substring(0, slash);
        String rest = relative.substring(slash + 1);
        if (first.equals(BootEnvironments.INSTALLER_DIR)) {
            return environments.installerFile(rest);
        }
        return Product.parse(first).filter(p -> p.name().equals(first)).flatMap(p -> environments.file(p, rest));
    }
}
