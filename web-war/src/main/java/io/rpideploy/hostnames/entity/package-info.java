/**
 * Hostnames: the naming rules (KXP2 kart numbers, RXP2 serial suffixes), venue pools and their assignment: its JPA
 * entities and value types.
 */
package io.rpideploy.hostnames.entity;
