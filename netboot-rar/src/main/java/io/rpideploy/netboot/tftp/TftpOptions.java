package io.rpideploy.netboot.tftp;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of RFC 2347 option negotiation for one read request.
 *
 * @param blockSize  bytes per DATA packet (512 unless negotiated)
 * @param windowSize DATA packets sent before an ACK is awaited (1 unless negotiated)
 * @param timeout    retransmission timeout
 * @param optionAck  the options to acknowledge in an OACK, in request order; empty: send DATA straight away
 */
public record TftpOptions(int blockSize, int windowSize, Duration timeout, Map<String, String> optionAck) {

    public static final int DEFAULT_BLOCK_SIZE = 512;
    /** RFC 2348 section 2: valid values range between 8 and 65464 octets. */
    public static final int MIN_BLOCK_SIZE = 8;
    public static final int MAX_BLOCK_SIZE = 65464;

    public TftpOptions {
        optionAck = Collections.unmodifiableMap(new LinkedHashMap<>(optionAck));
    }

    /**
     * Negotiates a read request's options (RFC 2347 section 3: unknown or unacceptable options are left out of the
     * OACK, not refused).
     *
     * @param fileSize the size of the file to send, for tsize
     */
    public static TftpOptions negotiate(Map<String, String> requested, TftpSettings settings, long fileSize) {
        int blockSize = DEFAULT_BLOCK_SIZE;
        int windowSize = 1;
        Duration timeout = settings.timeout();
        Map<String, String> ack = new LinkedHashMap<>();
        for (Map.Entry<String, String> option : requested.entrySet()) {
            long value = number(option.getValue());
            switch (option.getKey()) {
                case "blksize" -> {
                    // RFC 2348 section 2: 8..65464; a larger request may be answered with a smaller value
                    if (value >= MIN_BLOCK_SIZE) {
                        blockSize = (int) Math.min(value, Math.min(MAX_BLOCK_SIZE, settings.maxBlockSize()));
                        ack.put("blksize", Integer.toString(blockSize));
                    }
                }
                case "timeout" -> {
                    // RFC 2349 section 2: 1..255 seconds; the server must use the same value or ignore it
                    if (value >= 1 && value <= 255) {
                        timeout = Duration.ofSeconds(value);
                        ack.put("timeout", Long.toString(value));
                    }
                }
                case "tsize" -> {
                    // RFC 2349 section 4: on a read request the client sends 0, the server answers the size
                    if (value >= 0) {
                        ack.put("tsize", Long.toString(fileSize));
                    }
                }
                case "windowsize" -> {
                    // RFC 7440 section 3: 1..65535; the server may answer a smaller value
                    if (value >= 1 && value <= 65535) {
                        windowSize = (int) Math.min(value, settings.maxWindowSize());
                        ack.put("windowsize", Integer.toString(windowSize));
                    }
                }
                default -> {
                    // RFC 2347 section 3: options the server does not support are ignored
                }
            }
        }
        return new TftpOptions(blockSize, windowSize, timeout, ack);
    }

    /** A decimal option value, or -1 when it is not one. */
    private static long number(String text) {
        if (text.isEmpty() || text.length() > 18) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
