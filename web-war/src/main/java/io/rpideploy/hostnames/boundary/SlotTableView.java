package io.rpideploy.hostnames.boundary;

import io.rpideploy.hostnames.control.HostnameService;
import io.rpideploy.hostnames.entity.SlotStatus;
import io.rpideploy.platform.control.DomainException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.primefaces.model.FilterMeta;
import org.primefaces.model.LazyDataModel;
import org.primefaces.model.SortMeta;

/**
 * The console's slot table, one page at a time from the database: a venue's pool can hold thousands of kart
 * numbers. The venue, status and search are set by {@link PoolsView}; order is always product, then identifier.
 * The notes of the rows shown are kept editable here (the rows are records), with the version each was read at.
 */
public class SlotTableView extends LazyDataModel<SlotView> {

    private static final long serialVersionUID = 1L;

    private final HostnameService hostnames;
    private String venueCode;
    private SlotStatus status;
    private String q;
    private final HashMap<String, String> notes = new HashMap<>();
    private final HashMap<String, Long> versions = new HashMap<>();

    public SlotTableView(HostnameService hostnames) {
        this.hostnames = hostnames;
    }

    void show(String venueCode, SlotStatus status, String q) {
        this.venueCode = venueCode;
        this.status = status;
        this.q = q;
    }

    private HostnameService.SlotFilter filter() {
        return new HostnameService.SlotFilter(venueCode, null, status, q);
    }

    /** The notes cells' values by hostname: the inline editor writes here before the view saves them. */
    public Map<String, String> getNotes() {
        return notes;
    }

    /** The version a row was shown at, which its notes are saved against; null for a row not shown. */
    Long versionOf(String hostname) {
        return versions.get(hostname);
    }

    @Override
    public int count(Map<String, FilterMeta> filters) {
        if (venueCode == null) {
            return 0;
        }
        try {
            return (int) hostnames.countSlots(filter());
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
            List<SlotView> rows = hostnames.slots(filter(), first, pageSize).stream().map(SlotView::of).toList();
            notes.clear();
            versions.clear();
            for (SlotView row : rows) {
                notes.put(row.hostname(), row.notes());
                versions.put(row.hostname(), row.version());
            }
            return rows;
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
