/** Boot environments: the Pi 5 boot files and installer initramfs the server builds from each active image. */
package io.rpideploy.bootenv.boundary;
