package io.rpideploy.alerts.control;

import io.rpideploy.alerts.entity.Alert;

/**
 * An alert was raised, acknowledged or changed (its condition went away or came back). Fired inside the
 * transaction; the live push observes it after the commit.
 */
public record AlertChanged(Change change, Alert alert) {

    public enum Change { RAISED, ACKNOWLEDGED, UPDATED }
}
