/**
 * Venues: the sites whose boards are imaged, each with a 4-character code: its REST resources, console views,
 * servlets and endpoints.
 */
package io.rpideploy.venues.boundary;
