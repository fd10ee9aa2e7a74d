/**
 * Master images: the store, uploads and imports, registration, activation per product, and serving them to the
 * boards: its JPA entities and value types.
 */
package io.rpideploy.images.entity;
