/**
 * Benchmarks of the built distribution (domain-config/target/rpi-deploy): start, memory and hostname assignments
 * beside a bare Payara Micro and the stack floors; image downloads beside nginx and status updates.
 */
package io.rpideploy.bench.server;
