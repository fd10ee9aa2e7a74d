package io.rpideploy.bootenv.control;

import io.rpideploy.platform.control.HealthContribution;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * {@code checks.boot_environment} in {@code /health}: {@code ready} when every product with an active image has a
 * complete tree, else {@code incomplete} with the problems. Informational: the server itself is up either way.
 */
@ApplicationScoped
public class BootEnvironmentHealth implements HealthContribution {

    @Inject
    BootEnvironments environments;

    @Override
    public String name() {
        return "boot_environment";
    }

    @Override
    public JsonObject check() {
        boolean ready = true;
        JsonObjectBuilder products = JSON.createObjectBuilder();
        for (BootEnvironment e : environments.all()) {
            JsonObjectBuilder p = JSON.createObjectBuilder().add("complete", e.complete());
            if (e.imageFilename() != null) {
                p.add("image", e.imageFilename());
            }
            if (e.kernelRelease() != null) {
                p.add("kernel_release", e.kernelRelease());
            }
            JsonArrayBuilder problems = JSON.createArrayBuilder();
            e.problems().forEach(problems::add);
            p.add("problems", problems);
            products.add(e.product().name(), p);
            ready &= e.ready();
        }
        return JSON.createObjectBuilder().add("status", ready ? "ready" : "incomplete").add("products", products)
                .build();
    }
}
