package io.rpideploy.platform.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Request bodies still arriving, per client address. Reading one holds a request thread, so one address may have
 * only a few such reads at once: 300 connections trickling a byte every few seconds from one host cannot take the
 * threads every other request needs (the usual body arrives with its headers and is never counted here).
 */
@ApplicationScoped
public class SlowBodies {

    @Inject
    @ConfigProperty(name = "rpideploy.api.slow-bodies-per-address", defaultValue = "8")
    int perAddress;

    private final Map<String, Integer> reading = new ConcurrentHashMap<>();

    /** Counts one more read for this address; false (nothing counted) when it already has its share. */
    public boolean enter(String address) {
        boolean[] admitted = {false};
        reading.compute(address, (a, count) -> {
            int now = count == null ? 0 : count;
            if (now >= perAddress) {
                return count;
            }
            admitted[0] = true;
            return now + 1;
        });
        return admitted[0];
    }

    public void leave(String address) {
        reading.computeIfPresent(address, (a, count) -> count <= 1 ? null : count - 1);
    }

    /** Reads under way for this address (tests). */
    int reading(String address) {
        return reading.getOrDefault(address, 0);
    }
}
