/**
 * {@code rpideploy backup} and {@code rpideploy restore}: one zip archive with an online copy of the database, the
 * settings, the operator's boot files and a manifest of the images with their checksums (the image files on request).
 */
package io.rpideploy.ops.backup;
