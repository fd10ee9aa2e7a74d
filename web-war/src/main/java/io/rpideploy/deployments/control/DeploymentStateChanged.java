package io.rpideploy.deployments.control;

import io.rpideploy.netboot.api.MacAddress;
import io.rpideploy.netboot.api.SerialNumber;
import java.time.Instant;

/**
 * A deployment entered a new state ({@code from} is null for a new deployment). Fired inside the transaction:
 * observers use {@code during = TransactionPhase.AFTER_SUCCESS} to see only what was stored.
 */
public record DeploymentStateChanged(long deploymentId, String from, String to, String hostname,
                                     String serialNumber, String macAddress, String ipAddress, String message,
                                     Integer progress, Long bytesWritten, Long bytesTotal, Long rateBps,
                                     Instant at) {

    /** The board's serial, typed ({@code serialNumber} is as stored and shown); null when unknown. */
    public SerialNumber serial() {
        return SerialNumber.parse(serialNumber);
    }

    /** The board's MAC address, typed; null when unknown. */
    public MacAddress mac() {
        return MacAddress.parse(macAddress);
    }
}
