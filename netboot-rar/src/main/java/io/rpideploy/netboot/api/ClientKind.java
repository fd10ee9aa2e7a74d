package io.rpideploy.netboot.api;

/**
 * What kind of network-boot client sent a DHCP message. A Raspberry Pi is recognised by its option 97 GUID (the
 * {@code RPi4}/{@code RPi5} FourCC, or the older form: its serial four times) or, when it asks as a PXE client, by
 * Raspberry Pi Ltd's MAC prefixes; never by option 93 alone (a Pi 5 sends arch 0 like a BIOS PC). The others by
 * option 93 (RFC 4578 section 2.1).
 */
public enum ClientKind {
    RPI4, RPI5,
    /** A Raspberry Pi that did not say which model: an older GUID form or only its MAC prefix. */
    RPI,
    UEFI_ARM64, UEFI_X64, BIOS,
    /** No network-boot hints at all: an ordinary DHCP client. */
    OTHER;

    public boolean isRaspberryPi() {
        return this == RPI4 || this == RPI5 || this == RPI;
    }
}
