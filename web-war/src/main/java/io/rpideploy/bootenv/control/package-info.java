/**
 * Extracts a Pi 5 boot environment (kernel, device trees, overlays, kernel modules) from a master image by
 * streaming it; plain Java, no container.
 */
package io.rpideploy.bootenv.control;
