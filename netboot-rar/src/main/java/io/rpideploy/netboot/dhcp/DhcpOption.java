package io.rpideploy.netboot.dhcp;

/**
 * The options this engine reads or writes: code, name and value type (RFC 2132; 93/94/97 from RFC 4578). One table,
 * like Kea's {@code std_option_defs.h}. Codes not listed here are kept in the decoded packet and otherwise ignored.
 */
public enum DhcpOption {
    SUBNET_MASK(1, "subnet-mask", Type.IPV4),
    ROUTER(3, "routers", Type.IPV4_LIST),
    DOMAIN_NAME_SERVER(6, "domain-name-servers", Type.IPV4_LIST),
    HOST_NAME(12, "host-name", Type.STRING),
    VENDOR_ENCAPSULATED(43, "vendor-encapsulated-options", Type.BYTES),
    REQUESTED_ADDRESS(50, "dhcp-requested-address", Type.IPV4),
    LEASE_TIME(51, "dhcp-lease-time", Type.UINT32),
    MESSAGE_TYPE(53, "dhcp-message-type", Type.UINT8),
    SERVER_IDENTIFIER(54, "dhcp-server-identifier", Type.IPV4),
    PARAMETER_REQUEST_LIST(55, "dhcp-parameter-request-list", Type.BYTES),
    MESSAGE(56, "dhcp-message", Type.STRING),
    MAX_MESSAGE_SIZE(57, "dhcp-max-message-size", Type.UINT16),
    RENEWAL_TIME(58, "dhcp-renewal-time", Type.UINT32),
    REBINDING_TIME(59, "dhcp-rebinding-time", Type.UINT32),
    VENDOR_CLASS(60, "vendor-class-identifier", Type.STRING),
    CLIENT_IDENTIFIER(61, "dhcp-client-identifier", Type.BYTES),
    TFTP_SERVER_NAME(66, "tftp-server-name", Type.STRING),
    BOOTFILE_NAME(67, "boot-file-name", Type.STRING),
    USER_CLASS(77, "user-class", Type.BYTES),
    RELAY_AGENT_INFORMATION(82, "dhcp-agent-options", Type.BYTES),
    CLIENT_SYSTEM_ARCHITECTURE(93, "pxe-client-arch", Type.UINT16),
    CLIENT_NETWORK_INTERFACE(94, "pxe-client-ndi", Type.BYTES),
    CLIENT_MACHINE_IDENTIFIER(97, "pxe-client-guid", Type.BYTES),
    /** iPXE's own encapsulated options: only iPXE sends it (ipxe.org/howto/dhcpd). */
    IPXE_ENCAPSULATED(175, "ipxe-encap-opts", Type.BYTES);

    /** Value layouts; fixed-size ones are checked on read (a wrong size counts as absent). */
    public enum Type {
        UINT8(1), UINT16(2), UINT32(4), IPV4(4), IPV4_LIST(-1), STRING(-1), BYTES(-1);

        final int size;

        Type(int size) {
            this.size = size;
        }
    }

    private static final DhcpOption[] BY_CODE = new DhcpOption[256];

    static {
        for (DhcpOption o : values()) {
            BY_CODE[o.code] = o;
        }
    }

    private final int code;
    private final String optionName;
    private final Type type;

    DhcpOption(int code, String optionName, Type type) {
        this.code = code;
        this.optionName = optionName;
        this.type = type;
    }

    public int code() {
        return code;
    }

    public byte tag() {
        return (byte) code;
    }

    public String optionName() {
        return optionName;
    }

    public Type type() {
        return type;
    }

    /** Whether a received value has a legal size for this option. */
    public boolean validLength(int length) {
        if (type.size > 0) {
            return length == type.size;
        }
        if (type == Type.IPV4_LIST) {
            return length > 0 && length % 4 == 0;
        }
        return length > 0;
    }

    /** The table entry for a code, or null: an unknown option, kept and ignored. */
    public static DhcpOption of(int code) {
        return code >= 0 && code < 256 ? BY_CODE[code] : null;
    }
}
