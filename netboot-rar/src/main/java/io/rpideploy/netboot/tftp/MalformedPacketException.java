package io.rpideploy.netboot.tftp;

/** A datagram that is not a well-formed TFTP packet; the only exception the decoder throws. */
public final class MalformedPacketException extends Exception {

    private static final long serialVersionUID = 1L;

    public MalformedPacketException(String message) {
        super(message);
    }
}
