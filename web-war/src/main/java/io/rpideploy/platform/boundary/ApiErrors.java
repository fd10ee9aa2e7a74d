package io.rpideploy.platform.boundary;

import io.rpideploy.platform.control.DomainException;
import jakarta.json.JsonValue;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The one shape of every API error: {@code {"error": code, "message": text, "field": name?}}. */
public final class ApiErrors {

    /** Looked up once: {@code Json.createXxx} runs a ServiceLoader lookup on every call (a profile of status updates
     * showed it in a fifth of the samples). */
    private static final JsonProvider JSON = JsonProvider.provider();

    private ApiErrors() {
    }

    public static JsonValue body(String error, String message, String field) {
        JsonObjectBuilder json = JSON.createObjectBuilder().add("error", error).add("message", message);
        if (field != null) {
            json.add("field", field);
        }
        return json.build();
    }

    public static Response response(int status, String error, String message, String field) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(body(error, message, field).toString()).build();
    }

    public static Response of(DomainException e) {
        return switch (e.kind()) {
            case INVALID_INPUT -> response(400, "invalid_input", e.getMessage(), e.field());
            case NOT_FOUND -> response(404, "not_found", e.getMessage(), e.field());
            case CONFLICT -> response(409, "conflict", e.getMessage(), e.field());
            case FORBIDDEN -> response(403, "forbidden", e.getMessage(), e.field());
            case TOO_MANY_REQUESTS -> Response.fromResponse(response(429, "too_many_requests", e.getMessage(),
                    e.field())).header("Retry-After", "60").build();
            case UNAVAILABLE -> Response.fromResponse(response(503, "unavailable", e.getMessage(), e.field()))
                    .header("Retry-After", "1").build();
            case INSUFFICIENT_STORAGE -> response(507, "insufficient_storage", e.getMessage(), e.field());
            case PRECONDITION_FAILED -> response(412, "precondition_failed", e.getMessage(), e.field());
        };
    }

    /** For servlet-level answers (filters, authentication, error pages) outside JAX-RS. */
    public static void write(HttpServletResponse response, int status, String error, String message)
            throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        String json = body(error, message, null).toString();
        // not chunked: a keep-alive client knows where the answer ends (the writer encodes UTF-8, as counted)
        response.setContentLength(json.getBytes(StandardCharsets.UTF_8).length);
        response.getWriter().write(json);
        response.flushBuffer();
    }
}
