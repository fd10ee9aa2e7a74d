/**
 * UDP plumbing for the protocol engines: a socket bound to one network interface (SO_BINDTODEVICE through libc, so
 * a packet arriving on any other interface is never seen) and rate-limited drop logging. Knows no protocol rules and
 * imports nothing from {@code jakarta.*}.
 */
package io.rpideploy.netboot.udp;
