package io.rpideploy.netboot.dhcp;

/** A datagram that is not a well-formed DHCP request; the engine drops it. */
public final class DhcpFormatException extends Exception {

    public DhcpFormatException(String message) {
        super(message, null, false, false);
    }
}
