/**
 * Devices: every board ever seen, by serial and MAC, and whether it is to be imaged again: its JPA entities and
 * value types.
 */
package io.rpideploy.devices.entity;
