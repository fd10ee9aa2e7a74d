/**
 * What the application sees of the netboot adapter: the MDB listener contracts ({@link DhcpListener},
 * {@link TftpListener}), the servers' status for the health check, and a board's identity as the whole application
 * uses it ({@link SerialNumber}, {@link BoardSerial}, {@link MacAddress}). Plain Java: no container API.
 */
package io.rpideploy.netboot.api;
