/**
 * Reading the written target back and comparing it: the whole image against a SHA-256, every (or a spread of)
 * bmap range checksums, or a spread of chunks against the CRC32C list recorded while writing. Read-back goes
 * through a fresh file descriptor after fsync and, for block devices, BLKFLSBUF ({@code blockdev --flushbufs}).
 */
package io.rpideploy.installer.verify;
