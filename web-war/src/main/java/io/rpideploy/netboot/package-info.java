/**
 * Network boot, application side: what the netboot adapter's DHCP and TFTP servers should answer (netboot once,
 * reservations, boot files per client kind, a board's own {@code cmdline.txt}), their leases and events stored in
 * the database, and the console's Network page. The protocols themselves live in the rar.
 */
package io.rpideploy.netboot;
