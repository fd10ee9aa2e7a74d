/**
 * The DHCPv4 server engine: RFC 2131/2132 rules ({@link io.rpideploy.netboot.dhcp.DhcpResponder}), the option
 * table, codec glue over dhcp4java, lease state, the group-commit lease writer and the rogue-server probe. It asks
 * {@code policy.BootPolicy} what to offer and {@code policy.LeaseStore} to make leases durable; it knows no venues,
 * hostnames or databases, and imports nothing from {@code jakarta.*}.
 */
package io.rpideploy.netboot.dhcp;
