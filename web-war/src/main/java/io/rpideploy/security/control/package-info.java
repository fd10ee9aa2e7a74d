/** Security: users, passwords, login and the container's identity store: its rules and services. */
package io.rpideploy.security.control;
