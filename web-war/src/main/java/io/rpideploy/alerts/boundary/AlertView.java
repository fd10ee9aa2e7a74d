package io.rpideploy.alerts.boundary;

import io.rpideploy.alerts.entity.Alert;
import java.time.Instant;

/** An alert as the API and the console show it. */
public record AlertView(long id, String kind, String cause, String message, String state, Instant raisedAt,
                        Instant clearedAt, Instant acknowledgedAt, String acknowledgedBy) {

    public static AlertView of(Alert a) {
        return new AlertView(a.getId(), a.getKind().label(), a.getCause(), a.getMessage(),
                a.isAcknowledged() ? "acknowledged" : "open", a.getRaisedAt(), a.getClearedAt(),
                a.getAcknowledgedAt(), a.getAcknowledgedBy());
    }
}
