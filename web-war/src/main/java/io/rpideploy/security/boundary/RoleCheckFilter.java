package io.rpideploy.security.boundary;

import io.rpideploy.platform.boundary.ApiErrors;
import jakarta.annotation.Priority;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;
import java.lang.reflect.Method;

/**
 * Enforces {@code @RolesAllowed} on API resources (CDI beans, which the container does not check by itself):
 * the method's annotation wins over the class's. No annotation means no login needed (the deployment API).
 */
@Provider
@Priority(Priorities.AUTHORIZATION)
public class RoleCheckFilter implements ContainerRequestFilter {

    @Context
    ResourceInfo resource;

    @Override
    public void filter(ContainerRequestContext request) {
        Method method = resource.getResourceMethod();
        if (method == null) {
            return;
        }
        RolesAllowed allowed = method.getAnnotation(RolesAllowed.class);
        if (allowed == null) {
            allowed = resource.getResourceClass().getAnnotation(RolesAllowed.class);
        }
        if (allowed == null) {
            return;
        }
        if (request.getSecurityContext().getUserPrincipal() == null) {
            request.abortWith(ApiErrors.response(401, "unauthorized", "Log in to use the management API", null));
            return;
        }
        for (String role : allowed.value()) {
            if (request.getSecurityContext().isUserInRole(role)) {
                return;
            }
        }
        request.abortWith(ApiErrors.response(403, "forbidden", "Your role may not do this; it needs "
                + String.join(" or ", allowed.value()), null));
    }
}
