package io.rpideploy.netboot.api;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * The data folders the adapter and the application share, derived once from the settings the README lists
 * ({@code RPIDEPLOY_HOME}, {@code RPIDEPLOY_BOOT_DIR}, {@code RPIDEPLOY_BOOT_ENV_DIR},
 * {@code RPIDEPLOY_BOOT_ENV_INSTALLER_DIR}): each set folder as given, else under the data home ({@code ./data}),
 * absolute and normalised against the working directory.
 *
 * @param boot                 the boot tree (HTTP {@code /boot/}, and the default TFTP boot root)
 * @param bootEnvironments     the boot environments the server builds, one folder per product
 * @param installerEnvironment the installer environment (initramfs, runtime, installer.jar)
 */
public record DataFolders(Path boot, Path bootEnvironments, Path installerEnvironment) {

    public static final String HOME = "rpideploy.home";
    public static final String BOOT_DIR = "rpideploy.boot.dir";
    public static final String BOOT_ENV_DIR = "rpideploy.boot-env.dir";
    public static final String INSTALLER_DIR = "rpideploy.boot-env.installer-dir";

    /** From a source of settings by config name; blank counts as unset. */
    public static DataFolders from(Function<String, Optional<String>> source) {
        Path home = Path.of(set(source, HOME).orElse("./data"));
        return new DataFolders(folder(source, BOOT_DIR, home.resolve("boot")),
                folder(source, BOOT_ENV_DIR, home.resolve("boot-env")),
                folder(source, INSTALLER_DIR, home.resolve("installer-env")));
    }

    private static Path folder(Function<String, Optional<String>> source, String name, Path fallback) {
        return set(source, name).map(Path::of).orElse(fallback).toAbsolutePath().normalize();
    }

    private static Optional<String> set(Function<String, Optional<String>> source, String name) {
        return source.apply(name).map(String::trim).filter(v -> !v.isEmpty());
    }
}
