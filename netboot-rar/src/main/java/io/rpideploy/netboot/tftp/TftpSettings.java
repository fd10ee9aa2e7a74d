package io.rpideploy.netboot.tftp;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the TFTP server runs.
 *
 * @param bind          the listening address (port 69 in production)
 * @param bootRoot      every file served from disk must resolve (real path) under it
 * @param timeout       retransmission timeout when the client negotiates none (RFC 2349 "timeout" overrides it)
 * @param retries       retransmissions of one packet before the transfer is given up (FAILED)
 * @param maxBlockSize  upper bound for a negotiated blksize (RFC 2348: 8..65464)
 * @param maxWindowSize upper bound for a negotiated windowsize (RFC 7440: 1..65535)
 * @param maxTransfers  concurrent transfers; a request beyond it is answered "server busy" (error 0)
 * @param generatedRoots further trees the application's on-disk answers may come from (the boot environments the
 *                       server builds); never looked up by name, only allowed
 */
public record TftpSettings(InetSocketAddress bind, Path bootRoot, Duration timeout, int retries,
                           int maxBlockSize, int maxWindowSize, int maxTransfers, List<Path> generatedRoots) {

    public TftpSettings(InetSocketAddress bind, Path bootRoot, Duration timeout, int retries, int maxBlockSize,
                        int maxWindowSize, int maxTransfers) {
        this(bind, bootRoot, timeout, retries, maxBlockSize, maxWindowSize, maxTransfers, List.of());
    }

    public TftpSettings {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(bootRoot, "bootRoot");
        generatedRoots = List.copyOf(generatedRoots);
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be >= 0: " + retries);
        }
        if (maxBlockSize < 512 || maxBlockSize > TftpOptions.MAX_BLOCK_SIZE) {
            throw new IllegalArgumentException("maxBlockSize must be 512..65464: " + maxBlockSize);
        }
        if (maxWindowSize < 1 || maxWindowSize > 65535) {
            throw new IllegalArgumentException("maxWindowSize must be 1..65535: " + maxWindowSize);
        }
        if (maxTransfers < 1) {
            throw new IllegalArgumentException("maxTransfers must be >= 1: " + maxTransfers);
        }
    }

    /** 1 s timeout, 5 retries, blksize up to 65464, windowsize up to 64, 512 concurrent transfers. */
    public static TftpSettings defaults(InetSocketAddress bind, Path bootRoot) {
        return new TftpSettings(bind, bootRoot, Duration.ofSeconds(1), 5, TftpOptions.MAX_BLOCK_SIZE, 64, 512);
    }
}
