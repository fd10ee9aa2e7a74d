/**
 * Devices: every board ever seen, by serial and MAC, and whether it is to be imaged again: its rules and services.
 */
package io.rpideploy.devices.control;
