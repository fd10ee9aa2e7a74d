package io.rpideploy.hostnames.boundary;

import io.rpideploy.hostnames.control.HostnameService;
import io.rpideploy.hostnames.entity.SlotStatus;
import io.rpideploy.platform.control.DomainException;
import java.util.List;
import java.util.Map;
import org.primefaces.model.FilterMeta;
import org.primefaces.model.LazyDataModel;
import org.primefaces.model.SortMeta;

/**
 * The console's slot table, one page at a time from the database: a venue's pool can hold thousands of kart
 * numbers. The venue and status filter are set by {@link PoolsView}; order is always product, then identifier.
 */
public class SlotTableView extends LazyDataModel<SlotView> {

    private static final long serialVersionUID = 1L;

    private final HostnameService hostnames;
    private String venueCode;
    private SlotStatus status;

    public SlotTableView(HostnameService hostnames) {
        this.hostnames = hostnames;
    }

    void show(String venueCode, SlotStatus status) {
        this.venueCode = venueCode;
        this.status = status;
    }

    @Override
    public int count(Map<String, FilterMeta> filters) {
        if (venueCode == null) {
            return 0;
        }
        try {
            return (int) hostnames.countSlots(venueCode, status);
        } catch (DomainException venueGone) {
            return 0; // deleted on another screen since this page was opened: an empty table, not an error
        }
    }

    @Override
    public List<SlotView> load(int first, int pageSize, Map<String, SortMeta> sorts, Map<String, FilterMeta> filters) {
        if (venueCode == null) {
            return List.of();
        }
        try {
            return hostnames.slots(venueCode, status, first, pageSize).stream().map(SlotView::of).toList();
        } catch (DomainException venueGone) {
            return List.of();
        }
    }

    @Override
    public String getRowKey(SlotView slot) {
        return slot.hostname();
    }

    @Override
    public SlotView getRowData(String rowKey) {
        for (SlotView slot : getWrappedData()) {
            if (slot.hostname().equals(rowKey)) {
                return slot;
            }
        }
        return null;
    }
}
