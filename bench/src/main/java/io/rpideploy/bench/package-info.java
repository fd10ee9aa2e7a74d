/**
 * The performance lab: one program per benchmark, each run in a JVM of its own by {@link BenchmarkLauncher}. It
 * measures the product as built and never ships with it; figures and their history are in docs/performance.md.
 */
package io.rpideploy.bench;
