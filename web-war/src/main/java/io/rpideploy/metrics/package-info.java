/**
 * {@code /metrics}: what the server did since it started, in the Prometheus text format, on the management
 * listener only (DHCP and TFTP from the netboot journal's events, image downloads, deployments by state, HTTP
 * request durations per listener, process basics).
 */
package io.rpideploy.metrics;
