/** A fleet day at full size: fifty boards against our server and beside the plan's Flask and nginx. */
package io.rpideploy.bench.fleet;
