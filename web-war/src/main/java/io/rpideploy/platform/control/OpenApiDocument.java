package io.rpideploy.platform.control;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.MatrixParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenAPI 3.0 document of both APIs, read from the JAX-RS resource classes themselves (paths, methods,
 * parameters, media types, roles, and the JSON of records they return), so it cannot drift from the code. What
 * annotations do not say is said plainly: a body or answer given as a JSON value or a {@code Response} is an
 * untyped object, and every error has the application's one shape, {@code {error, message, field?}}.
 * The deployment API (the boards, no login) is told apart from the management API by {@link ListenerPolicy}.
 */
public final class OpenApiDocument {

    private static final JsonProvider JSON = JsonProvider.provider();
    /** {name} or {name: regex} in a JAX-RS path template. */
    private static final Pattern TEMPLATE = Pattern.compile("\\{\\s*(\\w[\\w.-]*)\\s*(?::\\s*((?:[^{}]|\\{[^{}]*\\})+))?}");
    private static final String ERROR_REF = "#/components/responses/Error";

    private OpenApiDocument() {
    }

    public static JsonObject build(Collection<Class<?>> resources, String apiRoot, String version) {
        Map<String, JsonObjectBuilder> paths = new TreeMap<>();
        List<Class<?>> sorted = new ArrayList<>(resources);
        sorted.sort(Comparator.comparing(Class::getName));
        for (Class<?> resource : sorted) {
            Path classPath = resource.getAnnotation(Path.class);
            if (classPath == null) {
                continue;
            }
            List<Method> methods = new ArrayList<>(List.of(resource.getMethods()));
            methods.sort(Comparator.comparing(Method::getName).thenComparing(Method::toString));
            for (Method method : methods) {
                Optional<String> verb = httpMethod(method);
                if (verb.isEmpty() || Modifier.isStatic(method.getModifiers())) {
                    continue;
                }
                Path methodPath = method.getAnnotation(Path.class);
                String template = join(apiRoot, classPath.value(), methodPath == null ? "" : methodPath.value());
                Map<String, String> patterns = new TreeMap<>();
                String path = openApiPath(template, patterns);
                paths.computeIfAbsent(path, p -> JSON.createObjectBuilder())
                        .add(verb.get().toLowerCase(Locale.ROOT), operation(resource, method, path, patterns));
            }
        }
        servletPaths(paths);
        JsonObjectBuilder pathsJson = JSON.createObjectBuilder();
        paths.forEach(pathsJson::add);
        return JSON.createObjectBuilder()
                .add("openapi", "3.0.3")
                .add("info", JSON.createObjectBuilder().add("title", "rpi-deploy").add("version", version)
                        .add("description", "The deployment API (tag deployment: the boards, on the deployment"
                                + " listener, no login) and the management API (tag management: on the management"
                                + " listener, HTTP Basic or the console's session; writes with the session need"
                                + " the page's X-CSRF-Token). A path of the other listener answers 404 there."))
                .add("tags", JSON.createArrayBuilder()
                        .add(JSON.createObjectBuilder().add("name", "deployment")
                                .add("description", "Deployment listener: boards, no login"))
                        .add(JSON.createObjectBuilder().add("name", "management")
                                .add("description", "Management listener: login needed, least role in"
                                        + " x-rpideploy-roles")))
                .add("paths", pathsJson)
                .add("components", components())
                .build();
    }

    private static JsonObject operation(Class<?> resource, Method method, String path, Map<String, String> patterns) {
        boolean deployment = ListenerPolicy.isDeploymentPath(path);
        JsonObjectBuilder op = JSON.createObjectBuilder()
                .add("operationId", resource.getSimpleName() + "." + method.getName())
                .add("tags", JSON.createArrayBuilder().add(deployment ? "deployment" : "management"));
        JsonArrayBuilder parameters = JSON.createArrayBuilder();
        JsonObjectBuilder requestBody = null;
        for (Parameter p : method.getParameters()) {
            PathParam pathParam = p.getAnnotation(PathParam.class);
            QueryParam query = p.getAnnotation(QueryParam.class);
            HeaderParam header = p.getAnnotation(HeaderParam.class);
            DefaultValue fallback = p.getAnnotation(DefaultValue.class);
            if (pathParam != null) {
                JsonObjectBuilder schema = schema(p.getParameterizedType(), 0);
                String pattern = patterns.get(pathParam.value());
                if (pattern != null) {
                    schema.add("pattern", "^" + pattern + "$");
                }
                parameters.add(parameter(pathParam.value(), "path", true, schema, null));
            } else if (query != null) {
                parameters.add(parameter(query.value(), "query", false, schema(p.getParameterizedType(), 0),
                        fallback));
            } else if (header != null) {
                parameters.add(parameter(header.value(), "header", false, schema(p.getParameterizedType(), 0),
                        fallback));
            } else if (!injected(p)) {
                requestBody = JSON.createObjectBuilder().add("required", true)
                        .add("content", content(mediaTypes(method, resource, true), p.getParameterizedType()));
            }
        }
        JsonArray params = parameters.build();
        if (!params.isEmpty()) {
            op.add("parameters", params);
        }
        if (requestBody != null) {
            op.add("requestBody", requestBody);
        }
        JsonObjectBuilder responses = JSON.createObjectBuilder();
        Type answer = method.getGenericReturnType();
        if (answer == void.class) {
            responses.add("204", JSON.createObjectBuilder().add("description", "Done, no body"));
        } else {
            responses.add(answer == jakarta.ws.rs.core.Response.class ? "2XX" : "200", JSON.createObjectBuilder()
                    .add("description", "Success")
                    .add("content", content(mediaTypes(method, resource, false), answer)));
        }
        Optional<String[]> roles = roles(resource, method);
        if (roles.isPresent() && !deployment) {
            responses.add("401", JSON.createObjectBuilder().add("$ref", ERROR_REF));
            responses.add("403", JSON.createObjectBuilder().add("$ref", ERROR_REF));
            op.add("security", JSON.createArrayBuilder()
                    .add(JSON.createObjectBuilder().add("basic", JSON.createArrayBuilder()))
                    .add(JSON.createObjectBuilder().add("session", JSON.createArrayBuilder())));
            JsonArrayBuilder names = JSON.createArrayBuilder();
            for (String role : roles.get()) {
                names.add(role);
            }
            op.add("x-rpideploy-roles", names);
        } else {
            op.add("security", JSON.createArrayBuilder()); // none
        }
        responses.add("4XX", JSON.createObjectBuilder().add("$ref", ERROR_REF));
        responses.add("5XX", JSON.createObjectBuilder().add("$ref", ERROR_REF));
        return op.add("responses", responses).build();
    }

    /** The paths served by servlets rather than JAX-RS: said here by hand, as their servlets answer. */
    private static void servletPaths(Map<String, JsonObjectBuilder> paths) {
        JsonObject file = JSON.createObjectBuilder().add("200", JSON.createObjectBuilder()
                        .add("description", "The file (206 for a Range; Accept-Ranges, ETag, Last-Modified)")
                        .add("content", JSON.createObjectBuilder().add("application/octet-stream",
                                JSON.createObjectBuilder().add("schema", JSON.createObjectBuilder()
                                        .add("type", "string").add("format", "binary")))))
                .add("4XX", JSON.createObjectBuilder().add("$ref", ERROR_REF))
                .add("503", JSON.createObjectBuilder().add("$ref", ERROR_REF)).build();
        paths.put("/images/{file}", JSON.createObjectBuilder().add("get", plain("deployment",
                "A master image by its file name; a client sending X-RpiDeploy-Can-Wait may get 503 with"
                        + " Retry-After while the download queue is full", file,
                JSON.createArrayBuilder().add(pathParameter("file")))));
        paths.put("/boot/{path}", JSON.createObjectBuilder().add("get", plain("deployment",
                "A boot file of the network boot environment", file,
                JSON.createArrayBuilder().add(pathParameter("path")))));
        paths.put("/health", JSON.createObjectBuilder().add("get", plain("deployment",
                "On both listeners, no login: {status, timestamp, version, commit, checks}; 503 when down",
                JSON.createObjectBuilder().add("200", jsonAnswer("Up")).add("503", jsonAnswer("Down")).build(),
                null)));
        JsonObject loggedIn = JSON.createObjectBuilder()
                .add("401", JSON.createObjectBuilder().add("$ref", ERROR_REF)).build();
        paths.put("/metrics", JSON.createObjectBuilder().add("get", secured(plain("management",
                "Prometheus text format (0.0.4); without login when rpideploy.metrics.public",
                JSON.createObjectBuilder(loggedIn).add("200", JSON.createObjectBuilder().add("description", "Metrics")
                        .add("content", JSON.createObjectBuilder().add("text/plain", JSON.createObjectBuilder()
                                .add("schema", JSON.createObjectBuilder().add("type", "string"))))).build(),
                null))));
        paths.put("/openapi", JSON.createObjectBuilder().add("get", secured(plain("management",
                "This document; without login when rpideploy.openapi.public",
                JSON.createObjectBuilder(loggedIn).add("200", jsonAnswer("OpenAPI 3.0")).build(), null))));
    }

    private static JsonObjectBuilder plain(String tag, String description, JsonObject responses,
                                           JsonArrayBuilder parameters) {
        JsonObjectBuilder op = JSON.createObjectBuilder().add("tags", JSON.createArrayBuilder().add(tag))
                .add("description", description).add("responses", responses)
                .add("security", JSON.createArrayBuilder());
        if (parameters != null) {
            op.add("parameters", parameters);
        }
        return op;
    }

    private static JsonObjectBuilder secured(JsonObjectBuilder op) {
        return op.add("security", JSON.createArrayBuilder()
                .add(JSON.createObjectBuilder().add("basic", JSON.createArrayBuilder()))
                .add(JSON.createObjectBuilder().add("session", JSON.createArrayBuilder())));
    }

    private static JsonObject pathParameter(String name) {
        return JSON.createObjectBuilder().add("name", name).add("in", "path").add("required", true)
                .add("schema", JSON.createObjectBuilder().add("type", "string")).build();
    }

    private static JsonObjectBuilder jsonAnswer(String description) {
        return JSON.createObjectBuilder().add("description", description).add("content", JSON.createObjectBuilder()
                .add("application/json", JSON.createObjectBuilder().add("schema", JSON.createObjectBuilder()
                        .add("type", "object"))));
    }

    private static JsonObject parameter(String name, String in, boolean required, JsonObjectBuilder schema,
                                        DefaultValue fallback) {
        if (fallback != null) {
            schema.add("default", fallback.value());
        }
        return JSON.createObjectBuilder().add("name", name).add("in", in).add("required", required)
                .add("schema", schema).build();
    }

    private static JsonObject content(List<String> mediaTypes, Type type) {
        JsonObjectBuilder content = JSON.createObjectBuilder();
        for (String mediaType : mediaTypes) {
            content.add(mediaType, JSON.createObjectBuilder().add("schema", mediaType.startsWith("application/json")
                    ? schema(type, 0) : JSON.createObjectBuilder().add("type", "string")
                    .add("format", mediaType.startsWith("text/") ? "text" : "binary")));
        }
        return content.build();
    }

    private static List<String> mediaTypes(Method method, Class<?> resource, boolean consumes) {
        String[] types;
        if (consumes) {
            Consumes c = Optional.ofNullable(method.getAnnotation(Consumes.class))
                    .orElse(resource.getAnnotation(Consumes.class));
            types = c == null ? new String[] {"application/json"} : c.value();
        } else {
            Produces p = Optional.ofNullable(method.getAnnotation(Produces.class))
                    .orElse(resource.getAnnotation(Produces.class));
            types = p == null ? new String[] {"application/json"} : p.value();
        }
        List<String> list = new ArrayList<>();
        for (String t : types) {
            for (String one : t.split(",")) {
                list.add(one.trim());
            }
        }
        return list;
    }

    /** A JSON schema for a Java type: records by their components, named as JSON-B writes them (snake_case). */
    static JsonObjectBuilder schema(Type type, int depth) {
        JsonObjectBuilder schema = JSON.createObjectBuilder();
        if (type instanceof ParameterizedType generic && generic.getRawType() instanceof Class<?> raw) {
            Type[] args = generic.getActualTypeArguments();
            if (Collection.class.isAssignableFrom(raw)) {
                return schema.add("type", "array").add("items", schema(args[0], depth + 1));
            }
            if (Map.class.isAssignableFrom(raw)) {
                return schema.add("type", "object").add("additionalProperties", schema(args[1], depth + 1));
            }
            if (raw == Optional.class) {
                return schema(args[0], depth);
            }
            return schema(raw, depth);
        }
        if (!(type instanceof Class<?> c)) {
            return schema.add("type", "object");
        }
        if (c == String.class || c == char.class || c == Character.class || c.isEnum()) {
            return schema.add("type", "string");
        }
        if (c == int.class || c == Integer.class || c == short.class || c == Short.class || c == byte.class) {
            return schema.add("type", "integer").add("format", "int32");
        }
        if (c == long.class || c == Long.class) {
            return schema.add("type", "integer").add("format", "int64");
        }
        if (c == double.class || c == Double.class || c == float.class || c == Float.class
                || Number.class.isAssignableFrom(c)) {
            return schema.add("type", "number");
        }
        if (c == boolean.class || c == Boolean.class) {
            return schema.add("type", "boolean");
        }
        if (c == Instant.class) {
            return schema.add("type", "string").add("format", "date-time");
        }
        if (c == LocalDate.class) {
            return schema.add("type", "string").add("format", "date");
        }
        if (c == byte[].class || InputStream.class.isAssignableFrom(c)) {
            return schema.add("type", "string").add("format", "binary");
        }
        if (c.isArray()) {
            return schema.add("type", "array").add("items", schema(c.getComponentType(), depth + 1));
        }
        if (JsonArray.class.isAssignableFrom(c)) {
            return schema.add("type", "array");
        }
        if (c.isRecord() && depth < 6) {
            JsonObjectBuilder properties = JSON.createObjectBuilder();
            for (RecordComponent component : c.getRecordComponents()) {
                properties.add(snakeCase(component.getName()), schema(component.getGenericType(), depth + 1));
            }
            return schema.add("type", "object").add("properties", properties);
        }
        if (JsonValue.class.isAssignableFrom(c) || c == Object.class) {
            return schema; // any JSON value: the README and the error answers say what is expected
        }
        return schema.add("type", "object");
    }

    /** As JSON-B's LOWER_CASE_WITH_UNDERSCORES (the application's {@code JsonConfig}). */
    static String snakeCase(String name) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (Character.isUpperCase(ch)) {
                if (i > 0) {
                    out.append('_');
                }
                out.append(Character.toLowerCase(ch));
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    private static boolean injected(Parameter p) {
        return p.isAnnotationPresent(Context.class) || p.isAnnotationPresent(Suspended.class)
                || p.isAnnotationPresent(BeanParam.class) || p.isAnnotationPresent(CookieParam.class)
                || p.isAnnotationPresent(MatrixParam.class) || p.isAnnotationPresent(FormParam.class)
                || p.isAnnotationPresent(jakarta.inject.Inject.class);
    }

    private static Optional<String> httpMethod(Method method) {
        for (Annotation a : method.getAnnotations()) {
            HttpMethod verb = a.annotationType().getAnnotation(HttpMethod.class);
            if (verb != null) {
                return Optional.of(verb.value());
            }
        }
        return Optional.empty();
    }

    /** The method's roles over the class's (as {@code RoleCheckFilter}); empty when no login is needed. */
    private static Optional<String[]> roles(Class<?> resource, Method method) {
        if (method.isAnnotationPresent(PermitAll.class)) {
            return Optional.empty();
        }
        RolesAllowed allowed = Optional.ofNullable(method.getAnnotation(RolesAllowed.class))
                .orElse(resource.getAnnotation(RolesAllowed.class));
        return Optional.ofNullable(allowed).map(RolesAllowed::value);
    }

    static String join(String... parts) {
        StringBuilder path = new StringBuilder();
        for (String part : parts) {
            String p = part.strip();
            while (p.startsWith("/")) {
                p = p.substring(1);
            }
            while (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            if (!p.isEmpty()) {
                path.append('/').append(p);
            }
        }
        return path.length() == 0 ? "/" : path.toString();
    }

    /** {@code {id: \d+}} becomes {@code {id}}, its regular expression kept in {@code patterns} for the schema. */
    static String openApiPath(String template, Map<String, String> patterns) {
        Matcher m = TEMPLATE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            if (m.group(2) != null) {
                patterns.put(m.group(1), m.group(2).strip());
            }
            m.appendReplacement(out, Matcher.quoteReplacement("{" + m.group(1) + "}"));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static JsonObject components() {
        JsonObject error = JSON.createObjectBuilder().add("type", "object")
                .add("required", JSON.createArrayBuilder().add("error").add("message"))
                .add("properties", JSON.createObjectBuilder()
                        .add("error", JSON.createObjectBuilder().add("type", "string")
                                .add("description", "A stable code, e.g. not_found, validation, unauthorized"))
                        .add("message", JSON.createObjectBuilder().add("type", "string")
                                .add("description", "For a person"))
                        .add("field", JSON.createObjectBuilder().add("type", "string")
                                .add("description", "The input field at fault, when there is one")))
                .build();
        return JSON.createObjectBuilder()
                .add("schemas", JSON.createObjectBuilder().add("Error", error))
                .add("responses", JSON.createObjectBuilder().add("Error", JSON.createObjectBuilder()
                        .add("description", "Refused or failed: never a stack trace")
                        .add("content", JSON.createObjectBuilder().add("application/json",
                                JSON.createObjectBuilder().add("schema", JSON.createObjectBuilder()
                                        .add("$ref", "#/components/schemas/Error"))))))
                .add("securitySchemes", JSON.createObjectBuilder()
                        .add("basic", JSON.createObjectBuilder().add("type", "http").add("scheme", "basic"))
                        .add("session", JSON.createObjectBuilder().add("type", "apiKey").add("in", "cookie")
                                .add("name", "JSESSIONID")
                                .add("description", "The console's session after its login form")))
                .build();
    }
}
