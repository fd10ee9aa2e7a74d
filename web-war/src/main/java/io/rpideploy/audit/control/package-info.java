/** The audit log: who changed what, when, written in the same transaction as the change: its rules and services. */
package io.rpideploy.audit.control;
