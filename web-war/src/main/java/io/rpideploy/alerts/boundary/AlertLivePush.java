package io.rpideploy.alerts.boundary;

import io.rpideploy.alerts.control.AlertChanged;
import io.rpideploy.live.control.LiveHub;
import io.rpideploy.platform.boundary.JsonConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import java.util.Locale;
import java.util.Map;

/** Pushes each stored alert change to the browsers on {@code /live}: {@code alert.raised|acknowledged|updated}, and
 * {@code alert.acknowledged_all} with the kind and count when all of a kind were acknowledged at once. */
@ApplicationScoped
public class AlertLivePush {

    private static final Jsonb JSON = new JsonConfig().getContext(Object.class);

    @Inject
    LiveHub hub;

    void changed(@Observes(during = TransactionPhase.AFTER_SUCCESS) AlertChanged change) {
        if (hub.watchers() == 0) {
            return; // nobody watching: no JSON to build
        }
        hub.publish(JSON.toJson(Map.of("type", "alert." + change.change().name().toLowerCase(Locale.ROOT),
                "alert", AlertView.of(change.alert()))));
    }

    void allAcknowledged(@Observes(during = TransactionPhase.AFTER_SUCCESS) AlertChanged.AllAcknowledged all) {
        if (hub.watchers() == 0) {
            return;
        }
        hub.publish(JSON.toJson(Map.of("type", "alert.acknowledged_all", "kind", all.kind().label(),
                "count", all.count())));
    }
}
