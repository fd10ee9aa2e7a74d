package io.rpideploy.platform.boundary;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** Both APIs live under /api; {@link io.rpideploy.platform.control.ListenerPolicy} decides who sees which path. */
@ApplicationPath("api")
public class ApiApplication extends Application {
}
