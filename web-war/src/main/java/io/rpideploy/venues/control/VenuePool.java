package io.rpideploy.venues.control;

import java.time.Instant;

/**
 * A venue's hostname pool as the venues pages and API show it. The hostnames feature implements it; this feature
 * depends on none of it.
 */
public interface VenuePool {

    /** The plan's per-venue statistics; unknown venue: 404. */
    VenueStats stats(String venueCode);

    /** Counts of one venue, named as in the plan's get_venue_statistics. */
    record VenueStats(String venueCode, long available, long assigned, long retired, long totalDeployments,
                      Instant lastDeployment) {
    }
}
