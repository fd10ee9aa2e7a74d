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
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/boot-environment}: per product, whether a Pi 5 can boot the installer from the tree the server built,
 * from which image, kernel and installer build; {@code POST .../rebuild} builds every product's tree again from its
 * active image, in the background (operator, audited; 202).
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

    /** 202: the builds run in the background (a compressed image takes minutes to read); the GET shows them. */
    @POST
    @Path("rebuild")
    @RolesAllowed(Role.OPERATOR_NAME)
    public Response rebuild() {
        List<String> started = environments.rebuildAll().stream().map(Enum::name).toList();
        Map<String, Object> body = new LinkedHashMap<>(view(environments.all()));
        body.put("rebuilding", started);
        return Response.accepted(body).build();
    }

    private Map<String, Object> view(List<BootEnvironment> all) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("environments", all.stream().map(EnvironmentView::of).toList());
        view.put("installer_available", environments.installerFile(BootEnvironments.INSTALLER_JAR).isPresent());
        return view;
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
