/**
 * How an installation tells the world how it goes: {@code /api/status} reports (queued, retried, never fatal),
 * the HDMI console's progress bar and hostname banner, and the documented exit codes. It decides nothing.
 */
package io.rpideploy.installer.report;
