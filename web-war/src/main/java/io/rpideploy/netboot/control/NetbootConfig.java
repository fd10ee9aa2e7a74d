package io.rpideploy.netboot.control;

import io.rpideploy.bootenv.control.BootEnvironments;
import io.rpideploy.images.control.ImageStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * The {@code rpideploy.netboot.*} settings (MicroProfile Config, so {@code RPIDEPLOY_NETBOOT_*} environment
 * variables work). The adapter's servers take the ones named in {@link #ADAPTER_KEYS} over their ActivationSpec
 * properties; the rest (boot files per client kind, reservations, the installer's command line) are policy, used
 * here. Every key is listed in the README's settings table.
 */
@ApplicationScoped
public class NetbootConfig {

    static final String PREFIX = "rpideploy.netboot.";

    /** Settings the adapter reads (names as its ActivationSpec properties). */
    static final List<String> ADAPTER_KEYS = List.of("interface", "server-ip", "subnet-mask", "pool-start", "pool-end",
            "lease-time", "router", "dns", "dhcp-port", "dhcp-client-port", "rogue-check-interval", "tftp-address",
            "tftp-port", "boot-root", "tftp-timeout", "tftp-retries", "tftp-max-block-size", "tftp-max-window-size",
            "tftp-max-transfers", "retry-interval");

    @Inject
    Config config;

    @Inject
    ImageStore store;

    @Inject
    BootEnvironments environments;

    /** The adapter's settings as configured; the boot root defaults to the image store's boot folder. */
    public Map<String, String> adapterSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String key : ADAPTER_KEYS) {
            value(key).ifPresent(v -> settings.put(key, v));
        }
        if (!settings.containsKey("boot-root")) {
            settings.put("boot-root", store.boot().toString());
        }
        // the boot environments the server builds: the TFTP engine serves what the application answers from there
        settings.put("environment-root", environments.root() + java.io.File.pathSeparator
                + environments.installerDir());
        return settings;
    }

    public Optional<String> value(String key) {
        return config.getOptionalValue(PREFIX + key, String.class).map(String::trim).filter(v -> !v.isEmpty());
    }

    /** Any setting by its full name (e.g. {@code rpideploy.deployment.public-url}), blank counting as unset. */
    public Optional<String> setting(String fullName) {
        return config.getOptionalValue(fullName, String.class).map(String::trim).filter(v -> !v.isEmpty());
    }

    public String value(String key, String fallback) {
        return value(key).orElse(fallback);
    }
}
