/**
 * Master images: the store, uploads and imports, registration, activation per product, and serving them to the
 * boards: its REST resources, console views, servlets and endpoints.
 */
package io.rpideploy.images.boundary;
