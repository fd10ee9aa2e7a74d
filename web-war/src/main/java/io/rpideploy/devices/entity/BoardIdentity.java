package io.rpideploy.devices.entity;

import io.rpideploy.netboot.api.MacAddress;
import io.rpideploy.netboot.api.SerialNumber;

/**
 * A stored row that names a board by serial number and MAC address. The columns hold text that the types have
 * normalised (views and native queries read it as it is); the board's identity is read back typed from here.
 */
public interface BoardIdentity {

    /** The serial as stored, null when unknown. */
    String getSerialNumber();

    /** The MAC address as stored, null when unknown. */
    String getMacAddress();

    /** The board's serial, null when unknown. */
    default SerialNumber serial() {
        return SerialNumber.parse(getSerialNumber());
    }

    /** The board's MAC address, null when unknown. */
    default MacAddress mac() {
        return MacAddress.parse(getMacAddress());
    }

    /** What a column holds for an identity: its normalised text, or null. */
    static String column(Object identity) {
        return identity == null ? null : identity.toString();
    }
}
