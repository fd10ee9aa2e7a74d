package io.rpideploy.platform.boundary;

import io.rpideploy.platform.control.AppVersion;
import io.rpideploy.platform.control.MonitoringEndpoints;
import io.rpideploy.platform.control.OpenApiDocument;
import io.rpideploy.platform.entity.Role;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * {@code GET /openapi}: the OpenAPI 3.0 document (JSON) of both APIs, built once from the resource classes (every
 * JAX-RS resource here is a CDI bean). Payara's own MicroProfile OpenAPI endpoint stays off: it would answer on
 * the deployment listener too. Management listener only, behind its login unless {@code rpideploy.openapi.public}.
 */
@WebServlet(urlPatterns = MonitoringEndpoints.OPENAPI)
public class OpenApiServlet extends HttpServlet {

    @Inject
    BeanManager beans;

    @Inject
    MonitoringEndpoints access;

    @Inject
    AppVersion version;

    private volatile String document;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!access.open(MonitoringEndpoints.OPENAPI) && !request.isUserInRole(Role.VIEWER_NAME)) {
            ApiErrors.write(response, 401, "unauthorized", "Log in to read the API description");
            return;
        }
        String body = document;
        if (body == null) {
            Set<Class<?>> resources = new LinkedHashSet<>();
            for (Bean<?> bean : beans.getBeans(Object.class, Any.Literal.INSTANCE)) {
                Class<?> type = bean.getBeanClass();
                if (type.isAnnotationPresent(Path.class) && type.getName().startsWith("io.rpideploy.")) {
                    resources.add(type);
                }
            }
            body = OpenApiDocument.build(resources, "/" + ApiApplication.class.getAnnotation(ApplicationPath.class)
                    .value(), version.getVersion()).toString();
            document = body;
        }
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(body);
    }
}
