package io.rpideploy.deployments.control;

import io.rpideploy.netboot.api.MacAddress;
import io.rpideploy.netboot.api.SerialNumber;
import java.time.Instant;

/**
 * /api/config handed a board its hostname and image. Fired inside the transaction: observers that push to
 * browsers use {@code during = TransactionPhase.AFTER_SUCCESS}.
 */
public record DeploymentStarted(long deploymentId, String hostname, String serialNumber, String macAddress,
                                String ipAddress, String productType, String venueCode, String imageVersion,
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
