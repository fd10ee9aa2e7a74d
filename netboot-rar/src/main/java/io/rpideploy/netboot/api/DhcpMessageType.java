package io.rpideploy.netboot.api;

/** Option 53 values (RFC 2132 section 9.6). */
public enum DhcpMessageType {
    DISCOVER(1), OFFER(2), REQUEST(3), DECLINE(4), ACK(5), NAK(6), RELEASE(7), INFORM(8);

    private final int code;

    DhcpMessageType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type for an option 53 value, or null for one this server does not handle (e.g. RFC 4388 LEASEQUERY). */
    public static DhcpMessageType of(int code) {
        return code >= 1 && code <= 8 ? values()[code - 1] : null;
    }
}
