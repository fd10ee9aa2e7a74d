/**
 * Hostnames: the naming rules (KXP2 kart numbers, RXP2 serial suffixes), venue pools and their assignment: its REST
 * resources, console views, servlets and endpoints.
 */
package io.rpideploy.hostnames.boundary;
