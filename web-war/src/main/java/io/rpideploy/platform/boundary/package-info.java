/**
 * The platform every feature stands on: roles, errors, JSON, health, database migrations, the write queue,
 * listeners: its REST resources, console views, servlets and endpoints.
 */
package io.rpideploy.platform.boundary;
