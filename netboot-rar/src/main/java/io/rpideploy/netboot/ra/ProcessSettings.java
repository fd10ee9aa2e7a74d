package io.rpideploy.netboot.ra;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

/**
 * Where the adapter reads its settings: the process's system properties ({@code -Drpideploy.netboot.tftp-port=69}),
 * then its environment ({@code RPIDEPLOY_NETBOOT_TFTP_PORT}), by config name, blank counting as unset.
 * <p>
 * Why not MicroProfile Config: on Payara Micro 6 a config belongs to an application, found through the calling
 * thread's class loader, and the adapter's work threads belong to no application (the rar is deployed on its own,
 * or inside an EAR on Payara Server), so what {@code ConfigProvider.getConfig()} would return there is not defined.
 * Why not the MDB's {@code ${MPCONFIG=...}} activation properties: each setting would be spelled out again in both
 * MDBs, and an unset one stays as the literal text. The two sources the README promises (environment variables, and
 * {@code -D} system properties) are MicroProfile Config's own default sources; this reads them in the same order
 * (system properties, ordinal 400, before the environment, 300) and maps names as its specification does (exact,
 * then non-alphanumerics as {@code _}, then that in upper case), so the adapter and the application agree.
 */
final class ProcessSettings implements Function<String, Optional<String>> {

    private final Properties properties;
    private final Map<String, String> environment;

    ProcessSettings(Properties properties, Map<String, String> environment) {
        this.properties = properties;
        this.environment = environment;
    }

    /** This process's. */
    static ProcessSettings system() {
        return new ProcessSettings(System.getProperties(), System.getenv());
    }

    @Override
    public Optional<String> apply(String name) {
        String sanitized = name.replaceAll("[^A-Za-z0-9]", "_");
        String value = properties.getProperty(name);
        if (value == null) {
            value = environment.get(name);
        }
        if (value == null) {
            value = environment.get(sanitized);
        }
        if (value == null) {
            value = environment.get(sanitized.toUpperCase(Locale.ROOT));
        }
        return Optional.ofNullable(value).map(String::trim).filter(v -> !v.isEmpty());
    }
}
