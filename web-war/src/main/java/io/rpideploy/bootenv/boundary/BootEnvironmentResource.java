package io.rpideploy.bootenv.boundary;

import io.rpideploy.bootenv.control.BootEnvironment;
import io.rpideploy.bootenv.control.BootEnvironments;
import io.rpideploy.platform.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/boot-environment}: per product, whether a Pi 5 can boot the installer from the tree the server built,
 * from which image, kernel and installer build; {@code POST .../rebuild} builds every product's tree again from its
 * active image (operator, audited).
 */
@Path("boot-environment")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Role.VIEWER_NAME)
public class BootEnvironmentResource {

    @Inject
    BootEnvironments environments;

    @GET
    public Map<String, Object> list() {
        return view(environments.all());
    }

    @POST
    @Path("rebuild")
    @RolesAllowed(Role.OPERATOR_NAME)
    public Map<String, Object> rebuild() {
        return view(environments.rebuildAll());
    }

    private Map<String, Object> view(List<BootEnvironment> all) {
        return Map.of("environments", all.stream().map(EnvironmentView::of).toList(),
                "installer_available", environments.installerFile(BootEnvironments.INSTALLER_JAR).isPresent());
    }

    public record EnvironmentView(String productType, boolean complete, Long imageId, String imageFilename,
                                  String imageVersion, String kernel, String kernelRelease, int modules,
                                  String installerBuild, Instant builtAt, List<String> problems) {
        static EnvironmentView of(BootEnvironment e) {
            return new EnvironmentView(e.product().name(), e.complete(), e.imageId(), e.imageFilename(),
                    e.imageVersion(), e.kernel(), e.kernelRelease(), e.modules(), e.installerBuild(), e.builtAt(),
                    e.problems());
        }
    }
}
