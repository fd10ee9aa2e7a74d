/**
 * Security: users, passwords, login and the container's identity store: its REST resources, console views, servlets
 * and endpoints.
 */
package io.rpideploy.security.boundary;
