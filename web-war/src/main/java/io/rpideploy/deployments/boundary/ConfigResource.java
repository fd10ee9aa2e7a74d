package io.rpideploy.deployments.boundary;

import io.rpideploy.deployments.control.DeploymentRules;
import io.rpideploy.deployments.control.DeploymentService;
import io.rpideploy.deployments.control.DeploymentService.ConfigRequest;
import io.rpideploy.deployments.control.DeploymentService.Configured;
import io.rpideploy.hostnames.control.HostnameRules;
import io.rpideploy.images.entity.ImageFormat;
import io.rpideploy.platform.boundary.JsonInput;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The plan's {@code POST /api/config} (deployment listener only, no login): hostname and image for one board,
 * in the fields the plan's installer reads. How often one address may ask is {@link ConfigRateFilter}'s, before the
 * body is read.
 */
@Path("config")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class ConfigResource {

    @Inject
    DeploymentService deployments;

    @Inject
    @ConfigProperty(name = "rpideploy.deployment.public-url")
    Optional<String> publicUrl;

    @Context
    HttpServletRequest request;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public ConfigAnswer config(JsonValue body) {
        JsonInput in = JsonInput.of(body);
        String product = in.string("product_type");
        String venue = in.string("venue_code");
        String serial = in.string("serial_number");
        String mac = in.string("mac_address");
        // absent or blank product and venue: the service applies the configured defaults
        Configured c = deployments.config(new ConfigRequest(
                sent(product) ? HostnameRules.product(product, "product_type") : null,
                sent(venue) ? HostnameRules.venueCode(venue, "venue_code") : null,
                DeploymentRules.serial(serial, "serial_number"), HostnameRules.mac(mac, "mac_address")),
                request.getRemoteAddr());
        Optional<String> base = publicUrl.filter(u -> !u.isBlank());
        // a client that cannot decompress is served the raw image at the same URL: size and checksum of that
        boolean asStored = c.imageFilename() == null || ImageFormat.of(c.imageFilename())
                .map(f -> f.servedAsStoredTo(request.getHeader(ImageFormat.DECOMPRESSES_HEADER))).orElse(true);
        return new ConfigAnswer(DeploymentRules.serverIp(base, request.getLocalAddr()), c.hostname(),
                c.productType(), c.venueCode(), DeploymentRules.imageUrl(base, request.getLocalAddr(),
                request.getLocalPort(), request.getContextPath(), c.imageFilename()),
                asStored ? c.imageSize() : c.imageUncompressedSize(),
                asStored ? c.imageChecksum() : c.imageUncompressedChecksum(), c.imageVersion(), c.at(),
                c.deploymentId(), c.imageUncompressedSize(), c.imageUncompressedChecksum(), c.reportToken());
    }

    private static boolean sent(String text) {
        return text != null && !text.isBlank();
    }

    /**
     * The plan's config answer ({@code version} is the image's version), the id to report status with, and what
     * the written device must hold (null when unknown): our installer verifies the device against it. The report
     * token is this run's secret: reports that carry it are taken from wherever the board is.
     */
    public record ConfigAnswer(String serverIp, String hostname, String productType, String venueCode,
                               String imageUrl, Long imageSize, String imageChecksum, String version,
                               Instant timestamp, long deploymentId, Long imageUncompressedSize,
                               String imageUncompressedChecksum, String reportToken) {
    }
}
