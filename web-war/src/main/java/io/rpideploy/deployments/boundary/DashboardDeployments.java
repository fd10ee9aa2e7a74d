package io.rpideploy.deployments.boundary;

import io.rpideploy.deployments.boundary.DeploymentResource.DeploymentView;
import io.rpideploy.deployments.control.DeploymentHistory;
import io.rpideploy.deployments.control.DeploymentHistory.Filter;
import io.rpideploy.deployments.entity.DeploymentState;
import io.rpideploy.platform.boundary.JsonConfig;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.bind.Jsonb;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What the Dashboard draws before its first live message: every unfinished deployment with its last known figures
 * (a board writing its card may stay silent for minutes) and the plan's "Recent Deployment History". The page gets
 * both inside itself; the script asks again through the API once it listens, so nothing in between is missed.
 */
@Named
@RequestScoped
public class DashboardDeployments {

    /** Rows of the history table: a screenful, as the plan's dashboard shows. */
    public static final int RECENT = 10;

    private static final Jsonb JSON = new JsonConfig().getContext(Object.class);

    @Inject
    DeploymentHistory history;

    /** Every deployment still under way, oldest first (the order their cards appear in). */
    public List<DeploymentView> unfinished() {
        List<DeploymentView> all = new ArrayList<>();
        for (DeploymentState state : DeploymentState.values()) {
            if (state.isActive()) {
                history.search(new Filter(null, null, state.value(), null, null, null, null), 0,
                        DeploymentHistory.MAX_PAGE).deployments().forEach(d -> all.add(DeploymentView.of(d)));
            }
        }
        all.sort(Comparator.comparingLong(DeploymentView::id));
        return all;
    }

    /** The latest deployments, newest first, whatever their state. */
    public List<DeploymentView> recent() {
        return history.search(new Filter(null, null, null, null, null, null, null), 0, RECENT).deployments()
                .stream().map(DeploymentView::of).toList();
    }

    /** Both lists as the API writes them (snake_case), for the page to carry in an attribute. */
    public String getInitialJson() {
        return JSON.toJson(Map.of("unfinished", unfinished(), "recent", recent(), "recent_size", RECENT));
    }
}
