package io.rpideploy.deployments.boundary;

import io.rpideploy.deployments.control.DeploymentHistory;
import io.rpideploy.deployments.control.DeploymentHistory.Filter;
import io.rpideploy.deployments.entity.Deployment;
import io.rpideploy.platform.control.DomainException;
import java.util.List;
import java.util.Map;
import org.primefaces.model.FilterMeta;
import org.primefaces.model.LazyDataModel;
import org.primefaces.model.SortMeta;

/**
 * The console's deployment history, one page at a time from the database (SQL LIMIT/OFFSET; the history grows past
 * 100k rows). The filter is set by {@link DeploymentsView}; order is always newest first.
 */
public class DeploymentTableView extends LazyDataModel<Deployment> {

    private static final long serialVersionUID = 1L;

    private final DeploymentHistory history;
    private Filter filter = new Filter(null, null, null, null, null, null, null);

    public DeploymentTableView(DeploymentHistory history) {
        this.history = history;
    }

    void show(Filter filter) {
        this.filter = filter;
    }

    @Override
    public int count(Map<String, FilterMeta> filters) {
        try {
            return (int) Math.min(Integer.MAX_VALUE, history.search(filter, 0, 1).total());
        } catch (DomainException badFilter) {
            return 0; // DeploymentsView checks the filter before it is shown; an empty table, never an error page
        }
    }

    @Override
    public List<Deployment> load(int first, int pageSize, Map<String, SortMeta> sorts,
                                 Map<String, FilterMeta> filters) {
        try {
            return history.search(filter, first, Math.min(pageSize, DeploymentHistory.MAX_PAGE)).deployments();
        } catch (DomainException badFilter) {
            return List.of();
        }
    }

    @Override
    public String getRowKey(Deployment deployment) {
        return String.valueOf(deployment.getId());
    }

    @Override
    public Deployment getRowData(String rowKey) {
        for (Deployment deployment : getWrappedData()) {
            if (String.valueOf(deployment.getId()).equals(rowKey)) {
                return deployment;
            }
        }
        return null;
    }
}
