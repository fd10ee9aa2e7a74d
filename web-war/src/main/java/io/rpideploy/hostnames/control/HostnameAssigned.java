package io.rpideploy.hostnames.control;

import java.time.Instant;

/**
 * A board got its hostname (new, or the same one again). Fired inside the assigning transaction: observers that
 * push to browsers use {@code during = TransactionPhase.AFTER_SUCCESS}.
 */
public record HostnameAssigned(String hostname, String productType, String venueCode, String serialNumber,
                               String macAddress, boolean reused, Instant at) {
}
