/** {@code /api/devices}, {@code /api/devices.csv} and the console's Devices page and label. */
package io.rpideploy.fleet.boundary;
