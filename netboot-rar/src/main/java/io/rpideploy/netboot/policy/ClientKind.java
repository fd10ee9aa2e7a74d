package io.rpideploy.netboot.policy;

/**
 * What kind of network-boot client sent a DHCP message. A Raspberry Pi is recognised by the FourCC of its option 97
 * GUID ({@code RPi4}/{@code RPi5}), never by MAC prefix or by option 93 alone (a Pi 5 sends arch 0 like a BIOS PC);
 * the others by option 93 (RFC 4578 section 2.1).
 */
public enum ClientKind {
    RPI4, RPI5, UEFI_ARM64, UEFI_X64, BIOS,
    /** No network-boot hints at all: an ordinary DHCP client. */
    OTHER;

    public boolean isRaspberryPi() {
        return this == RPI4 || this == RPI5;
    }
}
