/**
 * Network boot in the application: the policy behind the adapter's DHCP and TFTP servers, leases, boot files and
 * their journal: its rules and services.
 */
package io.rpideploy.netboot.control;
