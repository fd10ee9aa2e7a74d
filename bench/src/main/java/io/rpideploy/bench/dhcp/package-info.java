/** The DHCP engine with leases stored as the application stores them, beside Kea and dnsmasq under perfdhcp. */
package io.rpideploy.bench.dhcp;
