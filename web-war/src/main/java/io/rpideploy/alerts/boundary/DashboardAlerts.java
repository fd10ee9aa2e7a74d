package io.rpideploy.alerts.boundary;

import io.rpideploy.alerts.control.AlertService;
import io.rpideploy.platform.boundary.JsonConfig;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.bind.Jsonb;

/**
 * The newest unacknowledged alerts and the counts of all the Dashboard draws before its first live message, in the
 * API's JSON.
 */
@Named
@RequestScoped
public class DashboardAlerts {

    private static final Jsonb JSON = new JsonConfig().getContext(Object.class);

    @Inject
    AlertService alerts;

    public String getInitialJson() {
        return JSON.toJson(AlertResource.openPage(alerts.open()));
    }
}
