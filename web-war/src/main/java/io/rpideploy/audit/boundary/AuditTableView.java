package io.rpideploy.audit.boundary;

import io.rpideploy.audit.control.AuditLog;
import io.rpideploy.audit.control.AuditLog.Filter;
import io.rpideploy.audit.entity.AuditEvent;
import io.rpideploy.platform.control.DomainException;
import java.util.List;
import java.util.Map;
import org.primefaces.model.FilterMeta;
import org.primefaces.model.LazyDataModel;
import org.primefaces.model.SortMeta;

/**
 * The console's audit log, one page at a time from the database (SQL LIMIT/OFFSET: the log only grows). The filter
 * is set by {@link AuditView}; order is always newest first.
 */
public class AuditTableView extends LazyDataModel<AuditEvent> {

    private static final long serialVersionUID = 1L;

    private final AuditLog audit;
    private Filter filter = Filter.NONE;

    public AuditTableView(AuditLog audit) {
        this.audit = audit;
    }

    void show(Filter filter) {
        this.filter = filter;
    }

    @Override
    public int count(Map<String, FilterMeta> filters) {
        try {
            return (int) Math.min(Integer.MAX_VALUE, audit.count(filter));
        } catch (DomainException badFilter) {
            return 0; // AuditView checks the filter before it is shown; an empty table, never an error page
        }
    }

    @Override
    public List<AuditEvent> load(int first, int pageSize, Map<String, SortMeta> sorts,
                                 Map<String, FilterMeta> filters) {
        try {
            return audit.page(filter, first, Math.min(pageSize, AuditLog.MAX_PAGE));
        } catch (DomainException badFilter) {
            return List.of();
        }
    }

    @Override
    public String getRowKey(AuditEvent event) {
        return String.valueOf(event.getId());
    }

    @Override
    public AuditEvent getRowData(String rowKey) {
        for (AuditEvent event : getWrappedData()) {
            if (String.valueOf(event.getId()).equals(rowKey)) {
                return event;
            }
        }
        return null;
    }
}
