/** The board directory (search over devices with their deployments) and the label's QR code. */
package io.rpideploy.fleet.control;
