package io.rpideploy.alerts.control;

import io.rpideploy.alerts.entity.Alert;
import io.rpideploy.alerts.entity.AlertKind;

/**
 * An alert was raised, acknowledged or changed (its condition went away or came back). Fired inside the
 * transaction; the live push observes it after the commit.
 */
public record AlertChanged(Change change, Alert alert) {

    public enum Change { RAISED, ACKNOWLEDGED, UPDATED }

    /** Every open alert of a kind was acknowledged at once: one message, however many there were. */
    public record AllAcknowledged(AlertKind kind, int count) {
    }
}
