package io.rpideploy.netboot.control;

/** An operator asked for a finished board to be network-booted into the installer again. */
public record ReimageRequested(String serialNumber, String macAddress, String hostname) {
}
