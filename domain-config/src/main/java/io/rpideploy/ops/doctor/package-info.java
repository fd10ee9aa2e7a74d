/**
 * {@code rpideploy doctor}: one verdict (OK, WARN, FAIL) per thing an installed server needs, each check a small
 * function of what it reads (the server's {@code /health}, {@code /proc/net/tcp}, the interfaces, the database
 * read-only, the image files, the disk, the clock), so each can be tested alone.
 */
package io.rpideploy.ops.doctor;
