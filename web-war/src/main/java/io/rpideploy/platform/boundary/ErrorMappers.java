package io.rpideploy.platform.boundary;

import io.rpideploy.platform.control.DatabaseFailures;
import io.rpideploy.platform.control.DomainException;
import jakarta.json.JsonException;
import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Every failure in the API leaves as {@code {error, message, field?}} with a 4xx, or a 500 without internals. */
public final class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class.getName());

    private ErrorMappers() {
    }

    @Provider
    public static class Domain implements ExceptionMapper<DomainException> {
        @Override
        public Response toResponse(DomainException e) {
            return ApiErrors.of(e);
        }
    }

    /** Unparseable JSON bodies: the client's mistake, not ours. */
    @Provider
    public static class MalformedJson implements ExceptionMapper<JsonbException> {
        @Override
        public Response toResponse(JsonbException e) {
            return ApiErrors.response(400, "malformed_json", "The request body is not valid JSON of the expected "
                    + "shape", null);
        }
    }

    @Provider
    public static class MalformedJsonP implements ExceptionMapper<JsonException> {
        @Override
        public Response toResponse(JsonException e) {
            return ApiErrors.response(400, "malformed_json", "The request body is not valid JSON", null);
        }
    }

    @Provider
    public static class Processing implements ExceptionMapper<ProcessingException> {
        @Override
        public Response toResponse(ProcessingException e) {
            return ApiErrors.response(400, "malformed_request", "The request body could not be read", null);
        }
    }

    /** JAX-RS's own answers (404, 405, 415, 406...) in our shape. */
    @Provider
    public static class Web implements ExceptionMapper<WebApplicationException> {
        @Override
        public Response toResponse(WebApplicationException e) {
            int status = e.getResponse().getStatus();
            if (status >= 500) {
                return Unexpected.internal(e);
            }
            String parameter = badParameter(e);
            if (parameter != null) {
                // a query or path parameter that does not convert (limit=abc): the client's input, not a missing page
                return ApiErrors.response(400, "invalid_input", "Parameter '" + parameter + "' has the wrong format",
                        parameter);
            }
            String message;
            String error;
            if (e instanceof NotFoundException) {
                error = "not_found";
                message = "No such resource";
            } else if (e instanceof NotAllowedException) {
                error = "method_not_allowed";
                message = "This method is not allowed here; allowed: " + e.getResponse().getAllowedMethods();
            } else if (e instanceof NotSupportedException) {
                error = "unsupported_media_type";
                message = "Send the body as application/json";
            } else if (e.getCause() instanceof JsonbException || e.getCause() instanceof JsonException) {
                error = "malformed_json";
                message = "The request body is not valid JSON of the expected shape";
            } else {
                error = Response.Status.fromStatusCode(status) == null ? "error"
                        : Response.Status.fromStatusCode(status).name().toLowerCase(java.util.Locale.ROOT);
                message = Response.Status.fromStatusCode(status) == null ? "Request refused"
                        : Response.Status.fromStatusCode(status).getReasonPhrase();
            }
            Response.ResponseBuilder out = Response.fromResponse(ApiErrors.response(status, error, message, null));
            e.getResponse().getHeaders().forEach((name, values) -> {
                if (!name.equalsIgnoreCase("Content-Type") && !name.equalsIgnoreCase("Content-Length")) {
                    values.forEach(v -> out.header(name, v));
                }
            });
            return out.build();
        }
    }

    /**
     * The parameter name when this is Jersey's failed parameter conversion ({@code ParamException}, which JAX-RS
     * answers with 404 for query and path parameters); read by name so the API does not compile against Jersey.
     */
    static String badParameter(WebApplicationException e) {
        for (Class<?> c = e.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals("org.glassfish.jersey.server.ParamException")) {
                try {
                    Object name = c.getMethod("getParameterName").invoke(e);
                    return name == null ? "parameter" : name.toString();
                } catch (ReflectiveOperationException | RuntimeException unexpected) {
                    return "parameter";
                }
            }
        }
        return null;
    }

    /** Anything else is our bug: logged with an incident id that the client also gets, never the stack trace. */
    @Provider
    public static class Unexpected implements ExceptionMapper<Throwable> {
        @Override
        public Response toResponse(Throwable e) {
            DomainException domain = domainCause(e);
            if (domain != null) {
                return ApiErrors.of(domain);
            }
            DomainException database = databaseRefusal(e);
            if (database != null) {
                return ApiErrors.of(database);
            }
            return internal(e);
        }

        static Response internal(Throwable e) {
            String incident = UUID.randomUUID().toString().substring(0, 8);
            LOG.log(Level.SEVERE, "incident " + incident, e);
            return ApiErrors.response(500, "internal_error", "Something went wrong on the server (incident "
                    + incident + "); the details are in the server log", null);
        }

        /**
         * The database itself said no (locked by another process, unwritable, disk full) outside a serialized
         * write, e.g. in a read: 503 "retry", not a 500. Logged without the trace: the cause is outside the server.
         */
        static DomainException databaseRefusal(Throwable e) {
            DatabaseFailures.Kind kind = DatabaseFailures.classify(e);
            if (kind == DatabaseFailures.Kind.NONE) {
                return null;
            }
            LOG.warning(() -> "database refused a request (" + kind + "): " + e);
            return new DomainException(DomainException.Kind.UNAVAILABLE, null, kind == DatabaseFailures.Kind.BUSY
                    ? "The database is locked by another process; retry in a moment"
                    : "The database cannot be written right now (files not writable or disk full); retry in a "
                    + "moment");
        }

        /** Interceptors and transactions may wrap a rule's refusal; find it. */
        private static DomainException domainCause(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof DomainException d) {
                    return d;
                }
            }
            return null;
        }
    }
}
