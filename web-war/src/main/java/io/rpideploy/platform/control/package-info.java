/**
 * The platform every feature stands on: roles, errors, JSON, health, database migrations, the write queue,
 * listeners: its rules and services.
 */
package io.rpideploy.platform.control;
