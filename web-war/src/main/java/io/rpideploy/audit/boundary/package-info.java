/**
 * The audit log: who changed what, when, written in the same transaction as the change: its REST resources, console
 * views, servlets and endpoints.
 */
package io.rpideploy.audit.boundary;
