package io.rpideploy.hostnames.boundary;

import io.rpideploy.hostnames.entity.HostnameSlot;
import java.time.Instant;

/** A hostname slot as the API shows it; {@code version} is also its entity tag (for editing its notes). */
public record SlotView(String hostname, String productType, String venueCode, String identifier, String status,
                       String serialNumber, String macAddress, Instant assignedAt, String pinnedSerial,
                       String replacedSerial, String notes, long version) {

    public static SlotView of(HostnameSlot s) {
        return new SlotView(s.getHostname(), s.getProduct().name(), s.getVenue().getCode(), s.getIdentifier(),
                s.getStatus().label(), s.getDevice() == null ? null : s.getDevice().getSerialNumber(),
                s.getDevice() == null ? null : s.getDevice().getMacAddress(), s.getAssignedAt(), s.getPinnedSerial(),
                s.getReplacedSerial(), s.getNotes(), s.getVersion());
    }
}
