/**
 * Hostnames: the naming rules (KXP2 kart numbers, RXP2 serial suffixes), venue pools and their assignment: its
 * rules and services.
 */
package io.rpideploy.hostnames.control;
