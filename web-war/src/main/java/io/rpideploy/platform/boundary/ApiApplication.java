package io.rpideploy.platform.boundary;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Map;

/** Both APIs live under /api; {@link io.rpideploy.platform.control.ListenerPolicy} decides who sees which path. */
@ApplicationPath("api")
public class ApiApplication extends Application {

    /** No generated WADL on OPTIONS or /application.wadl: the API is described in the README, not to strangers. */
    @Override
    public Map<String, Object> getProperties() {
        return Map.of("jersey.config.server.wadl.disableWadl", true);
    }
}
