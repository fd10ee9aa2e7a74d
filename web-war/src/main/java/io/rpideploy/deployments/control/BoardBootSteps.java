package io.rpideploy.deployments.control;

import io.rpideploy.netboot.api.MacAddress;
import java.time.Instant;
import java.util.List;

/**
 * A board's network boot steps (DHCP, TFTP) in a time window, for a deployment's timeline. The netboot feature
 * implements it; this feature depends on none of it.
 */
public interface BoardBootSteps {

    /** Oldest first; empty for a board without a MAC. */
    List<BootStep> ofBoard(MacAddress mac, Instant from, Instant to);

    /**
     * One step, with getters for the console's expression language (EL 5 does not read record components).
     */
    record BootStep(long id, Instant at, String protocol, String kind, String macAddress, String piSerial,
                    String ipAddress, String clientKind, String fileName, Long bytes, Long durationMs,
                    Integer blockSize, Integer windowSize, String detail) {
        public Instant getAt() { return at; }
        public String getProtocol() { return protocol; }
        public String getKind() { return kind; }
        public String getIpAddress() { return ipAddress; }
        public String getFileName() { return fileName; }
        public Long getBytes() { return bytes; }
    }
}
