/** Security: users, passwords, login and the container's identity store: its JPA entities and value types. */
package io.rpideploy.security.entity;
