package io.rpideploy.ops.backup;

import io.rpideploy.ops.OpsEnvironment;
import io.rpideploy.ops.database.Database;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where the server keeps what a backup holds, from the same RPIDEPLOY_* settings the server reads (README's
 * settings table; relative paths against the working folder, as the server resolves them).
 *
 * @param home     RPIDEPLOY_HOME
 * @param database the SQLite file the server's JDBC pool opens
 * @param folders  the operator's folders by their name in the archive: {@code boot} (RPIDEPLOY_BOOT_DIR, the boot
 *                 files served over HTTP and TFTP, per-board overrides included), {@code netboot-boot}
 *                 (RPIDEPLOY_NETBOOT_BOOT_ROOT, only when set to another folder) and {@code tls} (the management
 *                 listener's generated certificate, so browsers keep trusting it)
 * @param images   RPIDEPLOY_IMAGES_DIR, the image store
 * @param envFile  the settings file (RPIDEPLOY_ENV_FILE, default the package's /etc/rpi-deploy/rpi-deploy.env)
 */
public record DataLayout(Path home, Path database, Map<String, Path> folders, Path images, Path envFile) {

    public static final String DEFAULT_ENV_FILE = "/etc/rpi-deploy/rpi-deploy.env";

    public DataLayout {
        folders = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(folders));
    }

    public static DataLayout of(OpsEnvironment env) {
        Path home = env.home();
        Path boot = folder(env, "RPIDEPLOY_BOOT_DIR").orElse(home.resolve("boot"));
        Map<String, Path> folders = new LinkedHashMap<>();
        folders.put("boot", boot);
        folder(env, "RPIDEPLOY_NETBOOT_BOOT_ROOT").filter(p -> !p.equals(boot))
                .ifPresent(p -> folders.put("netboot-boot", p));
        folders.put("tls", home.resolve("tls"));
        return new DataLayout(home, Database.location(env), folders,
                folder(env, "RPIDEPLOY_IMAGES_DIR").orElse(home.resolve("images")),
                Path.of(env.get("RPIDEPLOY_ENV_FILE", DEFAULT_ENV_FILE)).toAbsolutePath().normalize());
    }

    /** The default output folder of {@code rpideploy backup}. */
    public Path backups() {
        return home.resolve("backups");
    }

    private static Optional<Path> folder(OpsEnvironment env, String name) {
        return env.get(name).map(v -> Path.of(v).toAbsolutePath().normalize());
    }
}
