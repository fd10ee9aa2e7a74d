package io.rpideploy.netboot.control;

import java.time.Instant;

/** A TFTP transfer ended: {@code outcome} COMPLETED, FAILED, ABORTED (the client stopped it) or REFUSED. */
public record BootFileTransferred(Instant at, String ip, String mac, String file, long bytes, long durationMs,
                                  int blockSize, int windowSize, String outcome, String detail) {
}
