/**
 * Network boot in the application: the policy behind the adapter's DHCP and TFTP servers, leases, boot files and
 * their journal: its REST resources, console views, servlets and endpoints.
 */
package io.rpideploy.netboot.boundary;
