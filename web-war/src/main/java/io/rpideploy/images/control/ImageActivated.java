package io.rpideploy.images.control;

import io.rpideploy.hostnames.entity.Product;

/** A product's active image changed (activation or rollback); observed after the transaction committed. */
public record ImageActivated(Product product, long imageId, String filename) {
}
