/**
 * Reports: deployment figures per day, venue and product: its REST resources, console views, servlets and
 * endpoints.
 */
package io.rpideploy.reports.boundary;
