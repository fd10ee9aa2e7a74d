package io.rpideploy.sessions.boundary;

import io.rpideploy.sessions.entity.ImagingSession;
import java.time.Instant;
import java.util.List;

/** A session as the API and the console show it; {@code count} null means "until closed". */
public record SessionView(long id, String venueCode, String productType, Integer count, Long imageId,
                          List<String> serials, boolean open, long named, Instant openedAt, String openedBy,
                          Instant closedAt, String closedBy, String closeReason) {

    public static SessionView of(ImagingSession s, long named) {
        return new SessionView(s.getId(), s.getVenueCode(), s.getProduct().name(), s.getBoardCount(), s.getImageId(),
                s.serialList(), s.isOpen(), named, s.getOpenedAt(), s.getOpenedBy(), s.getClosedAt(),
                s.getClosedBy(), s.getCloseReason());
    }
}
