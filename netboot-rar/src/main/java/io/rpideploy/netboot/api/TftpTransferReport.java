package io.rpideploy.netboot.api;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;

/** One TFTP transfer that ended, well or not. */
public record TftpTransferReport(Instant started, Duration duration, InetSocketAddress client, String filename,
                                 long bytes, int blockSize, int windowSize, Outcome outcome, String detail) {

    public enum Outcome {
        /**
         * Not an end: the request was accepted and its transfer begins (reported so that watchers see a board's
         * request at once, whoever serves the file).
         */
        STARTED,
        /** Every byte acknowledged. */
        COMPLETED,
        /** Timeout or I/O error. */
        FAILED,
        /** The client sent an ERROR: a Pi probing whether a file exists (pi5-netboot.md section 5). */
        ABORTED,
        /** Answered with an error: not found, access violation, busy. */
        REFUSED
    }
}
