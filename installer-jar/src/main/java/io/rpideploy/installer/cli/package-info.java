/**
 * The command line and the run: options from arguments, system properties and the kernel command line
 * ({@code rpideploy.*}), and {@link io.rpideploy.installer.cli.Installer}, which drives config → write → verify →
 * customize → report and maps each failure to its exit code. The steps themselves live in their packages.
 */
package io.rpideploy.installer.cli;
