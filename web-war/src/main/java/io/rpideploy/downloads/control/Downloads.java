package io.rpideploy.downloads.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The server's one download queue, sized by configuration. */
@ApplicationScoped
public class Downloads {

    /**
     * A client announcing this header (any value but "0") can wait and accepts 503 with Retry-After; any other is
     * served at once.
     */
    public static final String CAN_WAIT_HEADER = "X-RpiDeploy-Can-Wait";
    /** Who is downloading (the board serial), so a board keeps its place across retries; else the address. */
    public static final String CLIENT_HEADER = "X-RpiDeploy-Client";
    /** On a 503: the place in the queue. */
    public static final String POSITION_HEADER = "X-RpiDeploy-Queue-Position";

    @Inject
    @ConfigProperty(name = "rpideploy.downloads.max-concurrent", defaultValue = "10")
    int maxConcurrent;

    @Inject
    @ConfigProperty(name = "rpideploy.downloads.hold-seconds", defaultValue = "20")
    int holdSeconds;

    @Inject
    @ConfigProperty(name = "rpideploy.downloads.write-timeout-seconds", defaultValue = "60")
    int writeTimeoutSeconds;

    @Inject
    @ConfigProperty(name = "rpideploy.downloads.max-per-address", defaultValue = "4")
    int maxPerAddress;

    private DownloadQueue queue;
    /** Body bytes of images and boot files sent over HTTP since start (for /metrics). */
    private final LongAdder bytesServed = new LongAdder();

    @PostConstruct
    void create() {
        queue = new DownloadQueue(maxConcurrent, maxPerAddress, Duration.ofSeconds(holdSeconds),
                Duration.ofSeconds(Math.max(1, writeTimeoutSeconds)), System::currentTimeMillis);
    }

    public int maxPerAddress() {
        return maxPerAddress;
    }

    /**
     * The address a download counts against, or null for this host itself (loopback, or a connection from one of
     * its own addresses: local tools and tests are not limited).
     */
    public static String limitedAddress(String remoteAddress, String localAddress) {
        try {
            // the container gives a literal address: no name is looked up
            return remoteAddress == null || remoteAddress.equals(localAddress)
                    || InetAddress.getByName(remoteAddress).isLoopbackAddress() ? null : remoteAddress;
        } catch (UnknownHostException notAnAddress) {
            return remoteAddress;
        }
    }

    /** How long a transfer may make no progress before it is given up (a client that stopped reading). */
    public Duration writeTimeout() {
        return Duration.ofSeconds(Math.max(1, writeTimeoutSeconds));
    }

    public DownloadQueue queue() {
        return queue;
    }

    public void served(long bytes) {
        bytesServed.add(bytes);
    }

    public long bytesServed() {
        return bytesServed.sum();
    }
}
