/** The {@code /metrics} servlet and the filter that times HTTP requests. */
package io.rpideploy.metrics.boundary;
