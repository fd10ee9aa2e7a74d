/**
 * The platform every feature stands on: roles, errors, JSON, health, database migrations, the write queue,
 * listeners: its JPA entities and value types.
 */
package io.rpideploy.platform.entity;
