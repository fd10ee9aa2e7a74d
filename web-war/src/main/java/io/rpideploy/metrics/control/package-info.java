/** The registry, its counters and gauges, and the cached read of deployments by state. */
package io.rpideploy.metrics.control;
