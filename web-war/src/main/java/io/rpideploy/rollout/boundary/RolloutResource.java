package io.rpideploy.rollout.boundary;

import io.rpideploy.hostnames.control.HostnameRules;
import io.rpideploy.hostnames.entity.Product;
import io.rpideploy.platform.entity.Role;
import io.rpideploy.rollout.control.RolloutBoard;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /api/venues/{code}/rollout?product_type=KXP2}: every name of the venue's pool with its state, progress,
 * image version, last deployment and failure reason, and the counts. {@code product_type} defaults to KXP2.
 */
@Path("venues/{code}/rollout")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Role.VIEWER_NAME)
public class RolloutResource {

    @Inject
    RolloutBoard board;

    @GET
    public BoardView rollout(@PathParam("code") String code, @QueryParam("product_type") String productType) {
        Product product = productType == null ? Product.KXP2 : HostnameRules.product(productType, "product_type");
        return BoardView.of(board.of(code, product));
    }
}
