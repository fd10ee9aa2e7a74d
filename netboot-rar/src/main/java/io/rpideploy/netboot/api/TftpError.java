package io.rpideploy.netboot.api;

/** TFTP error codes: RFC 1350 section 5 (0-7) and RFC 2347 (8, option negotiation refused). */
public enum TftpError {
    NOT_DEFINED(0),
    FILE_NOT_FOUND(1),
    ACCESS_VIOLATION(2),
    DISK_FULL(3),
    ILLEGAL_OPERATION(4),
    UNKNOWN_TRANSFER_ID(5),
    FILE_EXISTS(6),
    NO_SUCH_USER(7),
    OPTION_REFUSED(8);

    private final int code;

    TftpError(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
