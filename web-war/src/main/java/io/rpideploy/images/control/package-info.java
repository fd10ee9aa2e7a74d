/**
 * Master images: the store, uploads and imports, registration, activation per product, and serving them to the
 * boards: its rules and services.
 */
package io.rpideploy.images.control;
