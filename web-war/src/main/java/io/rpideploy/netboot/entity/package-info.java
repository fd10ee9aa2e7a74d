/**
 * Network boot in the application: the policy behind the adapter's DHCP and TFTP servers, leases, boot files and
 * their journal: its JPA entities and value types.
 */
package io.rpideploy.netboot.entity;
