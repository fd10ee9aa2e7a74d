package io.rpideploy.platform.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.annotation.security.RolesAllowed;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OpenApiDocumentTest {

    public record Thing(String code, Instant createdAt, List<Integer> slotNumbers) {
    }

    @Path("things")
    @Produces("application/json")
    @RolesAllowed("viewer")
    public static class ThingResource {
        @GET
        public List<Thing> list(@QueryParam("limit") @DefaultValue("50") int limit, @Context UriInfo uri) {
            return List.of();
        }

        @GET
        @Path("{id: \\d+}")
        public Thing get(@PathParam("id") long id) {
            return null;
        }

        @POST
        @Consumes("application/json")
        @RolesAllowed("operator")
        public Response create(JsonValue body) {
            return null;
        }

        @DELETE
        @Path("{id: \\d+}")
        @RolesAllowed("operator")
        public void delete(@PathParam("id") long id) {
        }
    }

    /** Like the deployment API: no roles, on a deployment path. */
    @Path("status")
    public static class BoardResource {
        @POST
        @Consumes("application/json")
        @Produces("application/json")
        public Thing report(JsonValue body) {
            return null;
        }
    }

    private final JsonObject doc = OpenApiDocument.build(Set.of(ThingResource.class, BoardResource.class), "/api",
            "1.2.3");

    @Test
    void pathsAndMethodsComeFromTheAnnotations() {
        JsonObject paths = doc.getJsonObject("paths");
        assertEquals(Set.of("/api/things", "/api/things/{id}", "/api/status", "/images/{file}", "/boot/{path}",
                "/health", "/metrics", "/openapi"), paths.keySet());
        assertFalse(paths.getJsonObject("/metrics").getJsonObject("get").getJsonArray("security").isEmpty());
        assertTrue(paths.getJsonObject("/images/{file}").getJsonObject("get").getJsonArray("security").isEmpty());
        assertEquals(Set.of("get", "post"), paths.getJsonObject("/api/things").keySet());
        assertEquals(Set.of("get", "delete"), paths.getJsonObject("/api/things/{id}").keySet());
        assertEquals("3.0.3", doc.getString("openapi"));
        assertEquals("1.2.3", doc.getJsonObject("info").getString("version"));
    }

    @Test
    void parametersKeepTheirKindTypeDefaultAndPattern() {
        JsonObject list = doc.getJsonObject("paths").getJsonObject("/api/things").getJsonObject("get");
        assertEquals(1, list.getJsonArray("parameters").size(), "the @Context parameter is not one");
        JsonObject limit = list.getJsonArray("parameters").getJsonObject(0);
        assertEquals("query", limit.getString("in"));
        assertEquals("integer", limit.getJsonObject("schema").getString("type"));
        assertEquals("50", limit.getJsonObject("schema").getString("default"));
        JsonObject id = doc.getJsonObject("paths").getJsonObject("/api/things/{id}").getJsonObject("get")
                .getJsonArray("parameters").getJsonObject(0);
        assertEquals("path", id.getString("in"));
        assertTrue(id.getBoolean("required"));
        assertEquals("^\\d+$", id.getJsonObject("schema").getString("pattern"));
    }

    @Test
    void recordsAreDescribedAsJsonBWritesThem() {
        JsonObject item = doc.getJsonObject("paths").getJsonObject("/api/things").getJsonObject("get")
                .getJsonObject("responses").getJsonObject("200").getJsonObject("content")
                .getJsonObject("application/json").getJsonObject("schema").getJsonObject("items");
        JsonObject properties = item.getJsonObject("properties");
        assertEquals(Set.of("code", "created_at", "slot_numbers"), properties.keySet());
        assertEquals("date-time", properties.getJsonObject("created_at").getString("format"));
        assertEquals("array", properties.getJsonObject("slot_numbers").getString("type"));
    }

    @Test
    void managementOperationsNeedLoginAndNameTheirLeastRole() {
        JsonObject create = doc.getJsonObject("paths").getJsonObject("/api/things").getJsonObject("post");
        assertEquals("management", create.getJsonArray("tags").getString(0));
        assertEquals("operator", create.getJsonArray("x-rpideploy-roles").getString(0));
        assertFalse(create.getJsonArray("security").isEmpty());
        assertTrue(create.getJsonObject("responses").containsKey("401"));
        assertTrue(create.getJsonObject("responses").containsKey("2XX"), "a Response's status is not known");
        assertTrue(create.containsKey("requestBody"));
        JsonObject delete = doc.getJsonObject("paths").getJsonObject("/api/things/{id}").getJsonObject("delete");
        assertTrue(delete.getJsonObject("responses").containsKey("204"));
    }

    @Test
    void theDeploymentApiHasNoLoginAndEveryErrorHasTheOneShape() {
        JsonObject report = doc.getJsonObject("paths").getJsonObject("/api/status").getJsonObject("post");
        assertEquals("deployment", report.getJsonArray("tags").getString(0));
        assertTrue(report.getJsonArray("security").isEmpty());
        assertEquals("#/components/responses/Error",
                report.getJsonObject("responses").getJsonObject("4XX").getString("$ref"));
        JsonObject error = doc.getJsonObject("components").getJsonObject("schemas").getJsonObject("Error");
        assertEquals(Set.of("error", "message", "field"), error.getJsonObject("properties").keySet());
    }

    @Test
    void templatesLoseTheirRegexInThePath() {
        Map<String, String> patterns = new HashMap<>();
        assertEquals("/api/a/{x}/b/{y}", OpenApiDocument.openApiPath("/api/a/{x: [0-9]{2}}/b/{y}", patterns));
        assertEquals(Map.of("x", "[0-9]{2}"), patterns);
        assertEquals("/api/a/b", OpenApiDocument.join("/api", "/a/", "b/"));
        assertEquals("mac_address", OpenApiDocument.snakeCase("macAddress"));
    }
}
