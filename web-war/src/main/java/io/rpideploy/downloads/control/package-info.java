/**
 * Admission control for image downloads: how many stream at once and who waits in which order. Knows nothing of
 * HTTP beyond the header name; the image servlet asks it before streaming.
 */
package io.rpideploy.downloads.control;
