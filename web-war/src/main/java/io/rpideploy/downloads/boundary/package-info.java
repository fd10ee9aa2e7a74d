/**
 * Image downloads: the admission queue that paces the boards' image downloads: its REST resources, console views,
 * servlets and endpoints.
 */
package io.rpideploy.downloads.boundary;
