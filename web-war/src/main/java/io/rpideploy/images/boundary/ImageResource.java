package io.rpideploy.images.boundary;

import io.rpideploy.images.control.ImageIntegrity;
import io.rpideploy.images.control.ImageRegistry;
import io.rpideploy.images.control.ImageNames;
import io.rpideploy.images.control.ImageUploads;
import io.rpideploy.images.entity.MasterImage;
import io.rpideploy.platform.boundary.JsonInput;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.platform.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /api/images}: the plan's upload (multipart, streamed to disk), registration of files copied into the
 * import folder, list, activation (one per product) and rollback, notes, delete. The files themselves are served
 * to the Pis by {@link ImageFileServlet} on the deployment listener.
 */
@Path("images")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Role.VIEWER_NAME)
public class ImageResource {

    @Inject
    ImageRegistry registry;

    @Inject
    ImageUploads uploads;

    @Inject
    ImageIntegrity integrity;

    @GET
    public Map<String, List<ImageView>> list() {
        return Map.of("images", registry.list().stream().map(i -> ImageView.of(i, integrity)).toList());
    }

    @GET
    @Path("{id}")
    public ImageView get(@PathParam("id") long id) {
        return ImageView.of(registry.require(id), integrity);
    }

    /** The raw body as a stream: Jersey does not buffer an InputStream entity, our reader parses it as it comes. */
    @POST
    @Path("upload")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @RolesAllowed(Role.OPERATOR_NAME)
    public Response upload(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
                           @HeaderParam(HttpHeaders.CONTENT_LENGTH) @DefaultValue("-1") long contentLength,
                           InputStream body, @Context UriInfo uri) {
        uploads.requireRoomFor(contentLength);
        return created(uploads.upload(contentType, body), uri);
    }

    /** {@code {filename, product_type, version, description?}} of a file in the import folder. */
    @POST
    @Path("import")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.OPERATOR_NAME)
    public Response importFile(JsonValue body, @Context UriInfo uri) {
        JsonInput in = JsonInput.of(body);
        return created(uploads.importFile(in.string("filename"), in.string("product_type"), in.string("version"),
                in.string("description")), uri);
    }

    @POST
    @Path("{id}/activate")
    @RolesAllowed(Role.OPERATOR_NAME)
    public ImageView activate(@PathParam("id") long id) {
        return ImageView.of(registry.activate(id), integrity);
    }

    /** Hashes the image's file again in the background; GET the image for the verdict ({@code integrity}). */
    @POST
    @Path("{id}/verify")
    @RolesAllowed(Role.OPERATOR_NAME)
    public Response verify(@PathParam("id") long id) {
        integrity.start(id);
        return Response.accepted(ImageView.of(registry.require(id), integrity)).build();
    }

    @POST
    @Path("rollback")
    @RolesAllowed(Role.OPERATOR_NAME)
    public ImageView rollback(@QueryParam("product_type") String product) {
        return ImageView.of(registry.rollback(ImageNames.product(product)), integrity);
    }

    /** {@code {description?, notes?}}: a field left out stays, null or "" clears it. */
    @PUT
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.OPERATOR_NAME)
    public ImageView update(@PathParam("id") long id, JsonValue body) {
        JsonInput in = JsonInput.of(body);
        Optional<String> description = given(in, "description");
        Optional<String> notes = given(in, "notes");
        if (description.isEmpty() && notes.isEmpty()) {
            throw DomainException.invalid(null, "Send description and/or notes");
        }
        return ImageView.of(registry.update(id, description, notes), integrity);
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed(Role.OPERATOR_NAME)
    public Response delete(@PathParam("id") long id) {
        uploads.delete(id);
        return Response.noContent().build();
    }

    private static Optional<String> given(JsonInput in, String field) {
        if (in.raw(field) == null) {
            return Optional.empty();
        }
        String value = in.string(field);
        return Optional.of(value == null ? "" : value);
    }

    private Response created(MasterImage image, UriInfo uri) {
        return Response.created(uri.getBaseUriBuilder().path("images").path(String.valueOf(image.getId())).build())
                .entity(new Uploaded(true, image.getFilename(), image.getChecksum(), ImageView.of(image, integrity)))
                .build();
    }

    /** The plan's answer ({@code success, filename, checksum}) with the registered image. */
    public record Uploaded(boolean success, String filename, String checksum, ImageView image) {
    }

    /** An image as the API shows it; {@code url} is its path on the deployment listener. */
    public record ImageView(long id, String filename, String productType, String version, String format,
                            Long sizeBytes, String checksum, Long uncompressedSize, String uncompressedChecksum,
                            String description, String notes, boolean isActive, Instant uploadedAt,
                            String uploadedBy, Instant activatedAt, Long previousImageId, String originalFilename,
                            String url, String integrity, String integrityMessage, Instant verifiedAt) {
        /** {@code integrity}: ok, changed, corrupt, or verifying while a hash runs. */
        static ImageView of(MasterImage i, ImageIntegrity checks) {
            return new ImageView(i.getId(), i.getFilename(), i.getProduct().name(), i.getVersion(),
                    i.getFormat().label(), i.getSizeBytes(), i.getChecksum(), i.getUncompressedSize(),
                    i.getUncompressedChecksum(), i.getDescription(), i.getNotes(), i.isActive(), i.getUploadedAt(),
                    i.getUploadedBy(), i.getActivatedAt(), i.getPreviousImageId(), i.getOriginalFilename(),
                    "/images/" + i.getFilename(), checks.verifying(i.getId()) ? "verifying" : i.getIntegrity().label(),
                    i.getIntegrityMessage(), i.getVerifiedAt());
        }
    }
}
