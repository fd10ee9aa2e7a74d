/**
 * Alerts: raised once per cause from the application's events (a failed board, a rogue DHCP server) and from a check
 * every minute (low disk, a boot environment that is not ready), kept until an operator acknowledges them.
 */
package io.rpideploy.alerts.control;
