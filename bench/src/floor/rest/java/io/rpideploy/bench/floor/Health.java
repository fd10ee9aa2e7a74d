package io.rpideploy.bench.floor;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The page the benchmark waits for: a CDI-managed JAX-RS resource. */
@Path("health")
@RequestScoped
public class Health {

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String get() {
        return "{\"status\":\"UP\"}";
    }
}
