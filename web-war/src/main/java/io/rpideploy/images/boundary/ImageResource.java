package io.rpideploy.images.boundary;

import io.rpideploy.images.control.ImageBlockMaps;
import io.rpideploy.images.control.ImageIntegrity;
import io.rpideploy.images.control.ImageRegistry;
import io.rpideploy.images.control.ImageNames;
import io.rpideploy.images.control.ImageStore;
import io.rpideploy.images.control.ImageUploads;
import io.rpideploy.images.entity.MasterImage;
import io.rpideploy.platform.boundary.JsonInput;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.platform.control.Revisions;
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
import jakarta.ws.rs.core.EntityTag;
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

    @Inject
    ImageBlockMaps blockMaps;

    @GET
    public Map<String, List<ImageView>> list() {
        return Map.of("images", registry.list().stream().map(i -> ImageView.of(i, integrity)).toList());
    }

    @GET
    @Path("{id}")
    public Response get(@PathParam("id") long id) {
        MasterImage image = registry.require(id);
        return Response.ok(ImageView.of(image, integrity)).tag(new EntityTag(String.valueOf(image.getRowVersion())))
                .build();
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

    /**
     * Adds or replaces the image's bmaptool block map (format 2.x, SHA-256 per range, for its uncompressed size);
     * served beside the image as {@code <url>.bmap}. A refused map (400, field bmap) changes nothing stored.
     */
    @PUT
    @Path("{id}/bmap")
    @Consumes({MediaType.APPLICATION_XML, MediaType.TEXT_XML})
    @RolesAllowed(Role.OPERATOR_NAME)
    public Response putBmap(@PathParam("id") long id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
                            InputStream body) throws java.io.IOException {
        MasterImage image = blockMaps.attach(id, Revisions.expected(ifMatch), ImageBlockMaps.read(body));
        return Response.ok(ImageView.of(image, integrity)).tag(new EntityTag(String.valueOf(image.getRowVersion())))
                .build();
    }

    /** Removes the block map: boards then write the whole image. */
    @DELETE
    @Path("{id}/bmap")
    @RolesAllowed(Role.OPERATOR_NAME)
    public Response deleteBmap(@PathParam("id") long id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        MasterImage image = blockMaps.remove(id, Revisions.expected(ifMatch));
        return Response.ok(ImageView.of(image, integrity)).tag(new EntityTag(String.valueOf(image.getRowVersion())))
                .build();
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
    public Response update(@PathParam("id") long id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
                           JsonValue body) {
        JsonInput in = JsonInput.of(body);
        Optional<String> description = given(in, "description");
        Optional<String> notes = given(in, "notes");
        if (description.isEmpty() && notes.isEmpty()) {
            throw DomainException.invalid(null, "Send description and/or notes");
        }
        MasterImage image = registry.update(id, Revisions.expected(ifMatch), description, notes);
        return Response.ok(ImageView.of(image, integrity)).tag(new EntityTag(String.valueOf(image.getRowVersion())))
                .build();
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed(Role.OPERATOR_NAME)
    public Response delete(@PathParam("id") long id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        uploads.delete(id, Revisions.expected(ifMatch));
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

    /**
     * An image as the API shows it; {@code url} is its path on the deployment listener, {@code bmapUrl} its block
     * map's there (null: none, boards write the whole image).
     */
    public record ImageView(long id, String filename, String productType, String version, String format,
                            Long sizeBytes, String checksum, Long uncompressedSize, String uncompressedChecksum,
                            String description, String notes, boolean isActive, Instant uploadedAt,
                            String uploadedBy, Instant activatedAt, Long previousImageId, String originalFilename,
                            String url, String integrity, String integrityMessage, Instant verifiedAt,
                            boolean hasBmap, String bmapUrl, String bmapChecksum) {
        /** {@code integrity}: ok, changed, corrupt, or verifying while a hash runs. */
        static ImageView of(MasterImage i, ImageIntegrity checks) {
            return new ImageView(i.getId(), i.getFilename(), i.getProduct().name(), i.getVersion(),
                    i.getFormat().label(), i.getSizeBytes(), i.getChecksum(), i.getUncompressedSize(),
                    i.getUncompressedChecksum(), i.getDescription(), i.getNotes(), i.isActive(), i.getUploadedAt(),
                    i.getUploadedBy(), i.getActivatedAt(), i.getPreviousImageId(), i.getOriginalFilename(),
                    "/images/" + i.getFilename(), checks.verifying(i.getId()) ? "verifying" : i.getIntegrity().label(),
                    i.getIntegrityMessage(), i.getVerifiedAt(), i.hasBmap(),
                    i.hasBmap() ? "/images/" + i.getFilename() + ImageStore.BMAP_SUFFIX : null, i.getBmapChecksum());
        }
    }
}
