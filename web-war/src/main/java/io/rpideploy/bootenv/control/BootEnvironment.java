package io.rpideploy.bootenv.control;

import io.rpideploy.hostnames.entity.Product;
import java.time.Instant;
import java.util.List;

/**
 * What one product's boot environment holds, as the Network page, {@code GET /api/boot-environment} and
 * {@code /health} show it.
 *
 * @param product        the product whose active image it was built from
 * @param complete       a Pi 5 can boot the installer from it: kernel, device tree, initramfs and installer present
 * @param imageId        the master image it was built from, or null (never built)
 * @param imageFilename  its file name
 * @param imageVersion   its version
 * @param kernel         the kernel file a Pi 5 boots ({@code kernel_2712.img}, else {@code kernel8.img}), or null
 * @param kernelRelease  the kernel's release string, e.g. {@code 6.12.34+rpt-rpi-2712}, or null
 * @param modules        kernel modules added to the initramfs from the image's root file system
 * @param installerBuild the installer environment's build (its properties' {@code build.time}), or null
 * @param builtAt        when the tree was built, or null
 * @param problems       what is missing or went wrong, empty when complete
 * @param awaitingImage  the product has no active image and no tree yet: there is nothing to build from
 */
public record BootEnvironment(Product product, boolean complete, Long imageId, String imageFilename,
                              String imageVersion, String kernel, String kernelRelease, int modules,
                              String installerBuild, Instant builtAt, List<String> problems,
                              boolean awaitingImage)
        implements java.io.Serializable {

    /**
     * Whether the environment is as it should be ({@code /health}, the Dashboard's alert): complete, or a product
     * without an active image, which has nothing to boot yet and is no fault of the environment.
     */
    public boolean ready() {
        return complete || awaitingImage;
    }
}
