/**
 * What the application sees of the netboot adapter: the MDB listener contracts ({@link DhcpListener},
 * {@link TftpListener}) and the servers' status for the health check. Plain Java: no container API.
 */
package io.rpideploy.netboot.api;
