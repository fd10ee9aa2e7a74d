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
    private final NoteCells notes = new NoteCells();
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

    /** The notes cells' values by hostname: the notes field writes here before the view saves them. */
    public Map<String, String> getNotes() {
        return notes;
    }

    /** The version a row was shown at, which its notes are saved against; null for a row not shown. */
    Long versionOf(String hostname) {
        return versions.get(hostname);
    }

    boolean typed(String hostname) {
        return notes.typed.containsKey(hostname);
    }

    /** What the editor typed into a row's notes (taken: asked once), null when it cleared them. */
    String takeTyped(String hostname) {
        return notes.typed.remove(hostname);
    }

    String shownNotes(String hostname) {
        return notes.stored(hostname);
    }

    /** A row's notes and version as stored now (after a save, or a refusal that shows what is stored). */
    void stored(String hostname, String text, long version) {
        notes.typed.remove(hostname);
        notes.store(hostname, text);
        versions.put(hostname, version);
    }

    /**
     * The notes of the rows shown, and what the editor typed: kept apart, because the table may load its page again
     * between the editor's write and the save (which would otherwise read the stored text back as "typed").
     */
    static final class NoteCells extends HashMap<String, String> {

        private static final long serialVersionUID = 1L;
        private final HashMap<String, String> typed = new HashMap<>();

        @Override
        public String get(Object hostname) {
            return typed.containsKey(hostname) ? typed.get(hostname) : super.get(hostname);
        }

        @Override
        public String put(String hostname, String text) {
            return typed.put(hostname, text);
        }

        String stored(String hostname) {
            return super.get(hostname);
        }

        void store(String hostname, String text) {
            super.put(hostname, text);
        }

        void loaded(List<SlotView> rows) {
            super.clear();
            for (SlotView row : rows) {
                super.put(row.hostname(), row.notes());
            }
        }

        @Override
        public boolean equals(Object other) {
            return super.equals(other) && typed.equals(((NoteCells) other).typed);
        }

        @Override
        public int hashCode() {
            return super.hashCode();
        }
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
            notes.loaded(rows);
            versions.clear();
            for (SlotView row : rows) {
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
