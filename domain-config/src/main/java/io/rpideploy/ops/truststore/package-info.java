/** The trust store the server starts with: current CA certificates only, so Payara's start has nothing to warn of. */
package io.rpideploy.ops.truststore;
