package io.rpideploy.netboot.control;

import io.rpideploy.netboot.api.MacAddress;
import io.rpideploy.netboot.api.SerialNumber;

/** An operator asked for a finished board to be network-booted into the installer again. */
public record ReimageRequested(SerialNumber serial, MacAddress mac, String hostname) {
}
