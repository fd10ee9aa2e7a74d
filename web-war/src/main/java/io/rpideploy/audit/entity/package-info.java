/**
 * The audit log: who changed what, when, written in the same transaction as the change: its JPA entities and value
 * types.
 */
package io.rpideploy.audit.entity;
