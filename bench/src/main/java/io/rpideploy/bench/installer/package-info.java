/** The installer's write throughput beside dd, xz | dd and zstd | dd. */
package io.rpideploy.bench.installer;
