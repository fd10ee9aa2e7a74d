package io.rpideploy.alerts.boundary;

import io.rpideploy.alerts.control.AlertService;
import io.rpideploy.platform.boundary.JsonConfig;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.bind.Jsonb;
import java.util.Map;

/** The unacknowledged alerts the Dashboard draws before its first live message, in the API's JSON. */
@Named
@RequestScoped
public class DashboardAlerts {

    private static final Jsonb JSON = new JsonConfig().getContext(Object.class);

    @Inject
    AlertService alerts;

    public String getInitialJson() {
        return JSON.toJson(Map.of("alerts", alerts.open().stream().map(AlertView::of).toList()));
    }
}
