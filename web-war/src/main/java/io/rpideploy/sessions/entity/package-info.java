/** What an imaging session stores. */
package io.rpideploy.sessions.entity;
