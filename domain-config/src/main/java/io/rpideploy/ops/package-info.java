/**
 * The ops commands of the distribution ({@code rpideploy doctor|backup|restore|...}): plain Java run on the server's
 * host beside the service, reading the same RPIDEPLOY_* settings; no container APIs.
 */
package io.rpideploy.ops;
