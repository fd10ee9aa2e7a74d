/**
 * Boot environments: each product's tree built from its active image (the Pi 5 kernel, device trees, overlays and
 * kernel modules, extracted from the streamed image without a decompressed copy) plus the installer initramfs. The
 * extraction classes are plain Java; {@code BootEnvironments} keeps the trees.
 */
package io.rpideploy.bootenv.control;
