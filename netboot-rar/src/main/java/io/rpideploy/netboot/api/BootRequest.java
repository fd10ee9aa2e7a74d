package io.rpideploy.netboot.api;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A TFTP read request as the engine parsed it, once: who asked, the board's serial when the name had the Pi's
 * {@code <serial>/} prefix (pi5-netboot.md section 5), and the name within the boot tree without that prefix.
 *
 * @param client    the client's address and port
 * @param board     the serial suffix of the prefix, else null
 * @param name      the requested name without the serial prefix, already checked by the engine (no {@code ..},
 *                  not absolute, no backslash, no NUL or control characters)
 * @param requested the name exactly as requested
 */
public record BootRequest(InetSocketAddress client, BoardSerial board, String name, String requested) {

    public BootRequest {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(requested, "requested");
    }

    /** Splits the Pi's {@code <serial>/} prefix off a checked name. */
    public static BootRequest parse(InetSocketAddress client, String requested) {
        int slash = requested.indexOf('/');
        if (slash == BoardSerial.SUFFIX_LENGTH && slash < requested.length() - 1) {
            BoardSerial board = BoardSerial.parseSuffix(requested.substring(0, slash));
            if (board != null) {
                return new BootRequest(client, board, requested.substring(slash + 1), requested);
            }
        }
        return new BootRequest(client, null, requested, requested);
    }
}
