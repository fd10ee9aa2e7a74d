package io.rpideploy.bench.floor;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** JAX-RS on /api, as in rpi-deploy. */
@ApplicationPath("/api")
public class FloorApi extends Application {
}
