package io.rpideploy.bench.floor;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Proves the layer works once started (the benchmark checks it, untimed): a count through JPA. */
@Path("things")
@RequestScoped
public class Things {

    @EJB
    Boot boot;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String count() {
        return "{\"things\":" + boot.count() + "}";
    }
}
