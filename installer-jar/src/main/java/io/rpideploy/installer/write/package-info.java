/**
 * The target and the write: which device ({@code auto}: SD card or NVMe), whether it may be written (not mounted,
 * not the running system, large enough), and the pipelined write itself (decoder thread filling 4 MiB direct
 * buffers, writer thread writing them; first MiB held back). It does not know HTTP or the server.
 */
package io.rpideploy.installer.write;
