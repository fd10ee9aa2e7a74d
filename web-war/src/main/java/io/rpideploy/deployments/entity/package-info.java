/**
 * Deployments (one imaging run of one board) and their timeline of states. Owns the {@code deployment} and
 * {@code deployment_event} tables; boards, hostnames and images belong to their own features.
 */
package io.rpideploy.deployments.entity;
