package io.rpideploy.ops;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The settings an ops command sees: the same RPIDEPLOY_* variables the server reads (MicroProfile Config maps
 * {@code rpideploy.a.b} to {@code RPIDEPLOY_A_B}), so a command run from the same environment file finds the same
 * data directory, ports and addresses as the service.
 */
public record OpsEnvironment(Map<String, String> variables, Path distribution) {

    public OpsEnvironment {
        variables = Map.copyOf(variables);
    }

    public static OpsEnvironment fromProcess() {
        String dist = System.getProperty("rpideploy.dist", ".");
        return new OpsEnvironment(System.getenv(), Path.of(dist).toAbsolutePath().normalize());
    }

    /** A setting by its environment name, e.g. {@code RPIDEPLOY_MANAGEMENT_PORT}; blank counts as unset. */
    public Optional<String> get(String name) {
        return Optional.ofNullable(variables.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    public String get(String name, String fallback) {
        return get(name).orElse(fallback);
    }

    /** The data directory (RPIDEPLOY_HOME, default ./data as in bin/rpideploy). */
    public Path home() {
        return Path.of(get("RPIDEPLOY_HOME", "data")).toAbsolutePath().normalize();
    }
}
