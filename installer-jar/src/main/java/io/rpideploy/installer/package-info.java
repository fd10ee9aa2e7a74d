/**
 * The installer that runs on each Pi in the network-booted environment (see the installer issue).
 * This module is a placeholder in the build until that issue is worked on.
 */
package io.rpideploy.installer;
