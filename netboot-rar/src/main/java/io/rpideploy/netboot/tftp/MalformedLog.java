package io.rpideploy.netboot.tftp;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Malformed-packet lines at FINE, at most 20 a minute, then a count of the ones left out. */
final class MalformedLog {

    private static final Logger LOG = Logger.getLogger(TftpServer.class.getName());

    private final Clock clock;
    private long windowStart;
    private int logged;
    private int suppressed;

    MalformedLog(Clock clock) {
        this.clock = clock;
    }

    synchronized void log(InetSocketAddress from, String what) {
        if (!LOG.isLoggable(Level.FINE)) {
            return;
        }
        long now = clock.millis();
        if (now - windowStart >= 60_000) {
            if (suppressed > 0) {
                LOG.fine("TFTP: " + suppressed + " more malformed packets not logged");
            }
            windowStart = now;
            logged = 0;
            suppressed = 0;
        }
        if (logged++ < 20) {
            LOG.fine("TFTP: dropped/refused packet from " + from + ": " + what);
        } else {
            suppressed++;
        }
    }
}
