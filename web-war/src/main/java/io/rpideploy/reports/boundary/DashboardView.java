package io.rpideploy.reports.boundary;

import io.rpideploy.reports.control.DeploymentStats;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** The dashboard's figures, read once per page view. */
@Named
@RequestScoped
public class DashboardView {

    @Inject
    DeploymentStats stats;

    private DeploymentStats.Summary summary;

    public DeploymentStats.Summary getStats() {
        if (summary == null) {
            summary = stats.summary();
        }
        return summary;
    }
}
