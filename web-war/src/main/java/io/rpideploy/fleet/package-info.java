/**
 * The fleet: every board the server has seen, with what it became (hostname, image, last deployment), searchable
 * and exportable, and a printable label per board. Reads devices and deployments; owns no data of its own.
 */
package io.rpideploy.fleet;
