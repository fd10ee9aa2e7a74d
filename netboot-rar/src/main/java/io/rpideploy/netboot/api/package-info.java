/**
 * What the application sees of the netboot adapter: the MDB listener contracts ({@link DhcpListener},
 * {@link TftpListener}), the servers' status for the health check, a board's identity as the whole application uses
 * it ({@link SerialNumber}, {@link BoardSerial}, {@link MacAddress}), and the catalog of netboot settings
 * ({@link NetbootSetting}) with the data folders both sides derive from the settings ({@link DataFolders}).
 * Plain Java: no container API.
 */
package io.rpideploy.netboot.api;
