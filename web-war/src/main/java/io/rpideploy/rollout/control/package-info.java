/**
 * The venue rollout board: each hostname of a venue's pool with the state of the board that holds it (not imaged,
 * imaging, done, failed), derived from the pool and the latest deployment under the name. Reads only; the actions
 * on a kart are the hostnames' and netboot's own.
 */
package io.rpideploy.rollout.control;
