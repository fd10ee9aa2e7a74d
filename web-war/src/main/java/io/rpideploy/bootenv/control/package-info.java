/** Extracts a Pi 5 boot environment (kernel, device trees, overlays, modules) from a streamed master image; no CDI. */
package io.rpideploy.bootenv.control;
