/** The TFTP engine alone and as deployed, beside atftpd, tftpd-hpa and dnsmasq, with real clients in a namespace. */
package io.rpideploy.bench.tftp;
