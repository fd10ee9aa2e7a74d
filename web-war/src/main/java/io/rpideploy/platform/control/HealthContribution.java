package io.rpideploy.platform.control;

import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;

/**
 * A feature's part of {@code GET /health}: its entry under {@code checks}. Features implement it as CDI beans, so
 * the health check depends on none of them.
 */
public interface HealthContribution {

    /** Looked up once: {@code Json.createXxx} runs a ServiceLoader lookup on every call. */
    JsonProvider JSON = JsonProvider.provider();

    /** The key under {@code checks}, e.g. {@code boot_environment}. */
    String name();

    /** The entry: at least {@code status}. */
    JsonObject check();

    /** Whether this entry's state makes the whole server DOWN (503); informational entries never do. */
    default boolean healthy(JsonObject check) {
        return true;
    }
}
