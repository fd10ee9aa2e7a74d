/**
 * {@code GET /api/venues/{code}/rollout} and the console's Rollout page (the grid is drawn and kept live by
 * {@code rollout.js}; a kart's history and actions are a Faces dialog).
 */
package io.rpideploy.rollout.boundary;
