/** {@code /api/alerts}, the alerts the Dashboard draws on load, and their live push over {@code /live}. */
package io.rpideploy.alerts.boundary;
