package io.rpideploy.platform.control;

import jakarta.json.JsonObject;

/**
 * A feature's part of {@code GET /health}: its entry under {@code checks}. Features implement it as CDI beans, so
 * the health check depends on none of them.
 */
public interface HealthContribution {

    /** The key under {@code checks}, e.g. {@code boot_environment}. */
    String name();

    /** The entry: at least {@code status}. */
    JsonObject check();

    /** Whether this entry's state makes the whole server DOWN (503); informational entries never do. */
    default boolean healthy(JsonObject check) {
        return true;
    }
}
