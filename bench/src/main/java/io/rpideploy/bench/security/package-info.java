/**
 * The attacks on availability of issue 15 against the built distribution: what a legitimate client (a board, an
 * operator, a health check) sees while an anonymous client floods, trickles, stalls or guesses.
 */
package io.rpideploy.bench.security;
