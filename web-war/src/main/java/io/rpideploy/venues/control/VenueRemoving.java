package io.rpideploy.venues.control;

import io.rpideploy.venues.entity.Venue;

/**
 * Fired inside the transaction that removes a venue, before it is removed: an observer that holds data of the venue
 * removes it, or refuses by throwing a {@code DomainException} (the removal is then rolled back).
 *
 * @param venue   the venue
 * @param removed what observers removed, for the audit line (e.g. "12 unused slots")
 */
public record VenueRemoving(Venue venue, java.util.List<String> removed) {
}
