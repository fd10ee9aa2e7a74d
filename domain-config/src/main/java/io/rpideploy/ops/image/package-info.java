/**
 * {@code rpideploy image prepare}: a card read from a reference Pi made into a master image as pishrink does (root
 * file system checked and shrunk, partition and file cut, expansion at first boot re-enabled), with a bmaptool block
 * map, compressed, optionally registered through the management API. The partition and file-system work is done by
 * the standard tools (sfdisk, e2fsck, resize2fs, dumpe2fs, debugfs, mtools, zstd/xz) on plain files: no mount, no
 * loop device, no privileges.
 */
package io.rpideploy.ops.image;
