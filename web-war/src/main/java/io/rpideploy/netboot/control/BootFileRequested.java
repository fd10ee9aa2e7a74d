package io.rpideploy.netboot.control;

import java.time.Instant;

/** A TFTP read request arrived and is about to be answered (the transfer's end is {@link BootFileTransferred}). */
public record BootFileRequested(Instant at, String ip, String file) {
}
