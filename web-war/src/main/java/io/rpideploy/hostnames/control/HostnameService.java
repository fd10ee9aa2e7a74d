package io.rpideploy.hostnames.control;

import io.rpideploy.audit.control.AuditLog;
import io.rpideploy.devices.control.DeviceRegistry;
import io.rpideploy.devices.entity.Device;
import io.rpideploy.hostnames.control.HostnameRules.ParsedHostname;
import io.rpideploy.hostnames.control.KartNumberParser.Parsed;
import io.rpideploy.hostnames.entity.HostnameSlot;
import io.rpideploy.hostnames.entity.Product;
import io.rpideploy.hostnames.entity.SlotStatus;
import io.rpideploy.netboot.api.MacAddress;
import io.rpideploy.netboot.api.SerialNumber;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.platform.control.Revisions;
import io.rpideploy.platform.control.SerializedWrite;
import io.rpideploy.venues.control.VenuePool;
import io.rpideploy.venues.control.VenueRemoving;
import io.rpideploy.venues.control.VenueService;
import io.rpideploy.venues.entity.Venue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.EnumMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The one place hostnames are handed out, taken back and retired (plan, Phase 6). Assignment is idempotent per
 * board: the same board asking again for the same product and venue gets the same name, so re-imaging never burns
 * a kart number. Writes queue one at a time ({@link SerializedWrite}), which is what keeps two boards from ever
 * getting the same name and keeps SQLITE_BUSY away from callers.
 */
@ApplicationScoped
public class HostnameService implements VenuePool {

    @PersistenceContext
    EntityManager em;

    @Inject
    VenueService venues;

    @Inject
    DeviceRegistry devices;

    @Inject
    AuditLog audit;

    @Inject
    Event<HostnameAssigned> assigned;

    @Inject
    Event<HostnameLeaving> leaving;

    @Inject
    Clock clock;

    /**
     * Gives a board its hostname. KXP2 takes the lowest available kart number of the venue; RXP2 is named after the
     * board serial. A board holds one hostname at a time: a name it held elsewhere goes back to its pool.
     *
     * @param venueText the venue's code as given (looked up here, after the board's identity is checked)
     * @param serial    the board serial, null when unknown
     * @param mac       the board's MAC address, null when unknown; at least one of the two is needed
     * @param actor     who asks: a user name, or the board itself on the deployment listener
     */
    @SerializedWrite
    @Transactional
    public Assignment assign(Product product, String venueText, SerialNumber serial, MacAddress mac, String actor) {
        Objects.requireNonNull(product, "product");
        if (product == Product.RXP2 && serial == null) {
            throw DomainException.invalid("serial_number", "RXP2 hostnames are made from the board serial number: "
                    + "serial_number is required");
        }
        DeviceRegistry.requireIdentity(serial, mac);
        Venue venue = venues.require(venueText);
        Instant now = clock.instant();
        // a name pinned to this board is its name in the pin's venue and product
        Optional<HostnameSlot> pinned = pinnedSlot(serial).filter(s -> s.getProduct() == product
                && s.getVenue().getId().equals(venue.getId()) && s.getStatus() != SlotStatus.RETIRED);
        Optional<Device> known = devices.find(serial, mac);
        if (known.isEmpty()) {
            // a board seen for the first time holds nothing yet: pick its name, then store board and name together
            HostnameSlot slot = pinned.isPresent() ? takePinned(pinned.get(), null)
                    : product == Product.KXP2 ? nextKartNumber(venue) : serialSlot(venue, serial, now);
            Device device = devices.seen(known, serial, mac);
            slot.assignTo(device, now);
            device.setCurrentHostname(slot.getHostname());
            return done(slot, device, false, actor, now);
        }
        Device device = devices.seen(known, serial, mac);
        List<HostnameSlot> held = em.createNamedQuery(HostnameSlot.ASSIGNED_TO, HostnameSlot.class)
                .setParameter("device", device).getResultList();
        for (HostnameSlot slot : held) {
            if (slot.getProduct() == product && slot.getVenue().getId().equals(venue.getId())
                    && (pinned.isEmpty() || pinned.get() == slot)) {
                device.setCurrentHostname(slot.getHostname());
                return done(slot, device, true, actor, now);
            }
        }

        HostnameSlot slot = pinned.isPresent() ? takePinned(pinned.get(), device)
                : product == Product.KXP2 ? nextKartNumber(venue) : serialSlot(venue, serial, now);
        for (HostnameSlot old : held) {
            old.release();
            audit.record(actor, "hostname.release", old.getHostname(), "board moved to " + slot.getHostname());
        }
        slot.assignTo(device, now);
        device.setCurrentHostname(slot.getHostname());
        return done(slot, device, false, actor, now);
    }

    private Assignment done(HostnameSlot slot, Device device, boolean reused, String actor, Instant now) {
        if (!reused) {
            audit.record(actor, "hostname.assign", slot.getHostname(), device.label());
        }
        Assignment result = new Assignment(slot.getHostname(), slot.getProduct(), slot.getVenue().getCode(),
                slot.getIdentifier(), device.serial(), device.mac(), reused, slot.getAssignedAt());
        assigned.fire(new HostnameAssigned(result.hostname(), result.product().name(), result.venueCode(),
                device.getSerialNumber(), device.getMacAddress(), reused, now));
        return result;
    }

    private HostnameSlot nextKartNumber(Venue venue) {
        return em.createNamedQuery(HostnameSlot.LOWEST_AVAILABLE, HostnameSlot.class)
                .setParameter("venue", venue).setParameter("product", Product.KXP2)
                .setMaxResults(1).getResultStream().findFirst()
                .orElseThrow(() -> {
                    VenueStats stats = stats(venue.getCode());
                    return DomainException.conflict("No kart numbers available for venue " + venue.getCode()
                            + " (" + stats.assigned() + " assigned, " + stats.retired() + " retired): import more "
                            + "numbers or release unused ones");
                });
    }

    private HostnameSlot serialSlot(Venue venue, SerialNumber serial, Instant now) {
        String identifier = serial.hostnameIdentifier();
        Optional<HostnameSlot> existing = slot(venue, Product.RXP2, identifier);
        if (existing.isEmpty()) {
            HostnameSlot slot = new HostnameSlot(Product.RXP2, venue, identifier, now);
            em.persist(slot);
            return slot;
        }
        HostnameSlot slot = existing.get();
        if (slot.getStatus() == SlotStatus.RETIRED) {
            throw DomainException.conflict("serial_number", "Hostname " + slot.getHostname() + " is retired");
        }
        if (slot.getStatus() == SlotStatus.ASSIGNED) {
            throw DomainException.conflict("serial_number", "Hostname " + slot.getHostname()
                    + " already belongs to another board (" + slot.getDevice().label() + ") whose serial ends the"
                    + " same way");
        }
        return slot;
    }

    /**
     * Adds kart numbers to a venue's KXP2 pool. Bad items are reported one by one; numbers already in the pool are
     * counted as duplicates and left as they are (an assigned or retired number is never reset by an import).
     */
    @SerializedWrite
    @Transactional
    public ImportResult importKartNumbers(String venueText, Parsed parsed) {
        Venue venue = venues.require(venueText);
        if (parsed.identifiers().isEmpty() && !parsed.invalid().isEmpty()) {
            // nothing usable at all (e.g. "1-5000"): a failure to fix, not a success that added nothing
            KartNumberParser.Invalid first = parsed.invalid().get(0);
            throw DomainException.invalid("numbers", "No kart number could be imported: '" + first.item() + "' "
                    + first.message() + (parsed.invalid().size() > 1 ? " (and " + (parsed.invalid().size() - 1)
                    + " more invalid items)" : ""));
        }
        Set<String> existing = new HashSet<>(em.createNamedQuery(HostnameSlot.IDENTIFIERS, String.class)
                .setParameter("venue", venue).setParameter("product", Product.KXP2).getResultList());
        Instant now = clock.instant();
        int added = 0;
        int duplicates = parsed.duplicates();
        for (String identifier : parsed.identifiers()) {
            if (existing.contains(identifier)) {
                duplicates++;
            } else {
                em.persist(new HostnameSlot(Product.KXP2, venue, identifier, now));
                added++;
            }
        }
        if (added > 0) {
            audit.record("pool.import", venue.getCode(), added + " kart numbers added, " + duplicates
                    + " duplicates, " + parsed.invalid().size() + " invalid");
        }
        long total = existing.size() + added;
        return new ImportResult(venue.getCode(), added, duplicates, parsed.invalid(), total);
    }

    /**
     * Puts an assigned hostname back into its pool; the board keeps no claim on it. Refused while a board is imaging
     * under the name, unless the user confirms the board is gone ({@code boardGone}): its run is then interrupted.
     */
    @SerializedWrite
    @Transactional
    public HostnameSlot release(String hostnameText, boolean boardGone) {
        HostnameSlot slot = requireSlot(hostnameText);
        if (slot.getStatus() == SlotStatus.RETIRED) {
            throw DomainException.conflict("Hostname " + slot.getHostname() + " is retired and cannot be released");
        }
        if (slot.getStatus() == SlotStatus.ASSIGNED) {
            leaving.fire(new HostnameLeaving(slot.getHostname(), boardGone, "hostname released by "
                    + audit.currentActor(), true));
            Device device = slot.getDevice();
            if (slot.getHostname().equals(device.getCurrentHostname())) {
                device.setCurrentHostname(null);
            }
            slot.release();
            audit.record("hostname.release", slot.getHostname(), "was " + device.label());
        }
        return slot;
    }

    /**
     * Gives back a name a board was handed but never used (it asked /api/config and was not heard from again), so
     * invented or abandoned requests cannot keep a venue's pool empty. Recorded in the audit log as the system's.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void releaseUnused(String hostname, String why) {
        Optional<HostnameSlot> found = em.createNamedQuery(HostnameSlot.BY_HOSTNAME, HostnameSlot.class)
                .setParameter("hostname", hostname).getResultStream().findFirst();
        if (found.isEmpty() || found.get().getStatus() != SlotStatus.ASSIGNED) {
            return;
        }
        HostnameSlot slot = found.get();
        Device device = slot.getDevice();
        if (slot.getHostname().equals(device.getCurrentHostname())) {
            device.setCurrentHostname(null);
        }
        slot.release();
        audit.record(AuditLog.SYSTEM, "hostname.release", slot.getHostname(), "unused by " + device.label() + ": "
                + why);
    }

    /** Takes a hostname out of service for good (a kart scrapped or renumbered); refused as release is. */
    @SerializedWrite
    @Transactional
    public HostnameSlot retire(String hostnameText, boolean boardGone) {
        HostnameSlot slot = requireSlot(hostnameText);
        if (slot.getStatus() != SlotStatus.RETIRED) {
            leaving.fire(new HostnameLeaving(slot.getHostname(), boardGone, "hostname retired by "
                    + audit.currentActor(), true));
            slot.setPinnedSerial(null);
            Device device = slot.getDevice();
            if (device != null && slot.getHostname().equals(device.getCurrentHostname())) {
                device.setCurrentHostname(null);
            }
            slot.retire();
            audit.record("hostname.retire", slot.getHostname(), device == null ? null : "was " + device.label());
        }
        return slot;
    }

    /** A name pinned to a board: the venue and product a board asking without them is imaged for. */
    public record Pin(String hostname, Product product, String venueCode) {
    }

    /** The name pinned to this board, if any (a retired name is nobody's). */
    public Optional<Pin> pinOf(SerialNumber serial) {
        return pinnedSlot(serial).filter(s -> s.getStatus() != SlotStatus.RETIRED)
                .map(s -> new Pin(s.getHostname(), s.getProduct(), s.getVenue().getCode()));
    }

    private Optional<HostnameSlot> pinnedSlot(SerialNumber serial) {
        return serial == null ? Optional.empty() : em.createNamedQuery(HostnameSlot.PINNED_TO, HostnameSlot.class)
                .setParameter("serial", serial.value()).getResultStream().findFirst();
    }

    /** A pinned slot for its board; a pin never takes a name from a board that holds it (see {@link #pin}). */
    private HostnameSlot takePinned(HostnameSlot slot, Device device) {
        if (slot.getStatus() == SlotStatus.ASSIGNED && (device == null || !slot.getDevice().getId().equals(
                device.getId()))) {
            throw DomainException.conflict("serial_number", "Hostname " + slot.getHostname() + " is pinned to this"
                    + " board but held by " + slot.getDevice().label() + ": release it first");
        }
        return slot;
    }

    /**
     * Pins a kart number to a board: the board with this serial gets exactly this name when it next asks, and no
     * other board takes it. Refused (409) for a retired or RXP2 name, for a board that already holds another name
     * (release that first) and while another board is imaging under this one; a name held by another board that is
     * not imaging is taken back from it. A serial pinned elsewhere moves here.
     */
    @SerializedWrite
    @Transactional
    public HostnameSlot pin(String hostnameText, String serialText) {
        HostnameSlot slot = requireSlot(hostnameText);
        SerialNumber serial = requiredSerial(serialText);
        Optional<Device> board = devices.find(serial, null);
        List<HostnameSlot> held = board.map(d -> em.createNamedQuery(HostnameSlot.ASSIGNED_TO, HostnameSlot.class)
                .setParameter("device", d).getResultList()).orElse(List.of());
        SlotMoves.checkPin(slot.getHostname(), slot.getProduct(), slot.getStatus(), held.stream()
                .map(HostnameSlot::getHostname).filter(h -> !h.equals(slot.getHostname())).findFirst());
        if (slot.getStatus() == SlotStatus.ASSIGNED && held.isEmpty()) {
            Device holder = slot.getDevice();
            leaving.fire(new HostnameLeaving(slot.getHostname(), false, "pinned", false));
            if (slot.getHostname().equals(holder.getCurrentHostname())) {
                holder.setCurrentHostname(null);
            }
            slot.release();
            audit.record("hostname.release", slot.getHostname(), "was " + holder.label() + ", pinned to "
                    + serial.value());
        }
        pinnedSlot(serial).filter(other -> other != slot).ifPresent(other -> {
            other.setPinnedSerial(null);
            audit.record("hostname.unpin", other.getHostname(), "pin moved to " + slot.getHostname());
        });
        em.flush(); // the unique pin index sees the moved pin gone first
        slot.setPinnedSerial(serial.value());
        audit.record("hostname.pin", slot.getHostname(), "board " + serial.value());
        return slot;
    }

    /** Lifts a pin: the name is any board's again. */
    @SerializedWrite
    @Transactional
    public HostnameSlot unpin(String hostnameText) {
        HostnameSlot slot = requireSlot(hostnameText);
        if (slot.getPinnedSerial() != null) {
            audit.record("hostname.unpin", slot.getHostname(), "was board " + slot.getPinnedSerial());
            slot.setPinnedSerial(null);
        }
        return slot;
    }

    /**
     * A failed board replaced by a new one: the kart number moves to the new serial (and so does its pin), the old
     * board's serial is kept on the slot. Refused (409) for an RXP2 name (it is made from the serial), a name no
     * board holds (pin it instead), a new board that holds another name, and while the old board is imaging.
     */
    @SerializedWrite
    @Transactional
    public HostnameSlot replace(String hostnameText, String serialText) {
        HostnameSlot slot = requireSlot(hostnameText);
        SerialNumber serial = requiredSerial(serialText);
        Device old = slot.getDevice();
        Optional<Device> known = devices.find(serial, null);
        SlotMoves.checkReplace(slot.getHostname(), slot.getProduct(), slot.getStatus(),
                old == null ? null : old.getSerialNumber(), serial.value(), known.flatMap(d -> em.createNamedQuery(
                        HostnameSlot.ASSIGNED_TO, HostnameSlot.class).setParameter("device", d).getResultStream()
                        .findFirst()).map(HostnameSlot::getHostname));
        leaving.fire(new HostnameLeaving(slot.getHostname(), false, "replaced", false));
        Device replacement = devices.seen(known, serial, null);
        if (slot.getHostname().equals(old.getCurrentHostname())) {
            old.setCurrentHostname(null);
        }
        String was = old.getSerialNumber() != null ? old.getSerialNumber() : old.getMacAddress();
        slot.setReplacedSerial(was);
        if (slot.getPinnedSerial() != null) {
            slot.setPinnedSerial(null);
            em.flush();
            pinnedSlot(serial).ifPresent(other -> other.setPinnedSerial(null));
            em.flush();
            slot.setPinnedSerial(serial.value());
        }
        slot.assignTo(replacement, clock.instant());
        replacement.setCurrentHostname(slot.getHostname());
        audit.record("hostname.replace", slot.getHostname(), "board " + old.label() + " replaced by "
                + replacement.label());
        return slot;
    }

    /**
     * Whether a board may report success under this name: yes when it holds it or the name is in no pool; a name
     * released meanwhile that nobody took is taken back; a name another board holds, or a retired one, is refused
     * (two boards must never finish under one name).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void confirmHolder(String hostname, long deviceId) {
        Optional<HostnameSlot> found = em.createNamedQuery(HostnameSlot.BY_HOSTNAME, HostnameSlot.class)
                .setParameter("hostname", hostname).getResultStream().findFirst();
        if (found.isEmpty()) {
            return;
        }
        HostnameSlot slot = found.get();
        if (slot.getStatus() == SlotStatus.ASSIGNED && slot.getDevice().getId() == deviceId) {
            return;
        }
        Device board = em.find(Device.class, deviceId);
        boolean free = slot.getStatus() == SlotStatus.AVAILABLE && (slot.getPinnedSerial() == null
                || slot.getPinnedSerial().equals(board == null ? null : board.getSerialNumber()));
        if (!free || board == null) {
            throw DomainException.conflict("status", "Hostname " + hostname + " is no longer this board's ("
                    + (slot.getStatus() == SlotStatus.ASSIGNED ? "held by " + slot.getDevice().label()
                    : slot.getStatus().name().toLowerCase(java.util.Locale.ROOT))
                    + "): ask /api/config again for a name");
        }
        slot.assignTo(board, clock.instant());
        board.setCurrentHostname(hostname);
        audit.record(AuditLog.SYSTEM, "hostname.assign", hostname, board.label() + " finished under it after"
                + " it was released");
    }

    private static SerialNumber requiredSerial(String text) {
        SerialNumber serial = HostnameRules.serial(text, "serial_number");
        if (serial == null) {
            throw DomainException.invalid("serial_number", "serial_number is required");
        }
        return serial;
    }

    /** A venue's slots, optionally of one status, in hostname order. */
    public List<HostnameSlot> slots(String venueText, SlotStatus status, int first, int max) {
        return slots(new SlotFilter(venueText, null, status, null), first, max);
    }

    public long countSlots(String venueText, SlotStatus status) {
        return countSlots(new SlotFilter(venueText, null, status, null));
    }

    /**
     * What a slot list is narrowed to, each part optional: a venue (by code), a product, a status, and part of the
     * hostname or of a board serial (the board holding it, the one it is pinned to, the one it replaced).
     */
    public record SlotFilter(String venueCode, Product product, SlotStatus status, String q) {
    }

    /** The slots matching the filter, in venue, product and kart-number order. */
    public List<HostnameSlot> slots(SlotFilter filter, int first, int max) {
        TypedQuery<HostnameSlot> query = em.createQuery("SELECT s FROM HostnameSlot s LEFT JOIN FETCH s.device"
                + " LEFT JOIN s.device d" + where(filter) + " ORDER BY s.venue.code, s.product, s.identifier",
                HostnameSlot.class);
        bind(filter, query);
        return query.setFirstResult(first).setMaxResults(max).getResultList();
    }

    public long countSlots(SlotFilter filter) {
        TypedQuery<Long> query = em.createQuery("SELECT COUNT(s) FROM HostnameSlot s LEFT JOIN s.device d"
                + where(filter), Long.class);
        bind(filter, query);
        return query.getSingleResult();
    }

    private static String where(SlotFilter filter) {
        List<String> parts = new ArrayList<>();
        if (filter.venueCode() != null) {
            parts.add("s.venue = :venue");
        }
        if (filter.product() != null) {
            parts.add("s.product = :product");
        }
        if (filter.status() != null) {
            parts.add("s.status = :status");
        }
        if (HostnameRules.searchPattern(filter.q()) != null) {
            parts.add("(LOWER(s.hostname) LIKE :q OR LOWER(d.serialNumber) LIKE :q OR LOWER(s.pinnedSerial) LIKE :q"
                    + " OR LOWER(s.replacedSerial) LIKE :q)");
        }
        return parts.isEmpty() ? "" : " WHERE " + String.join(" AND ", parts);
    }

    private void bind(SlotFilter filter, TypedQuery<?> query) {
        if (filter.venueCode() != null) {
            query.setParameter("venue", venues.require(filter.venueCode()));
        }
        if (filter.product() != null) {
            query.setParameter("product", filter.product());
        }
        if (filter.status() != null) {
            query.setParameter("status", filter.status());
        }
        String like = HostnameRules.searchPattern(filter.q());
        if (like != null) {
            query.setParameter("q", like);
        }
    }

    /** One slot by its hostname; a clear 404 when no pool holds it. */
    public HostnameSlot slot(String hostnameText) {
        return requireSlot(hostnameText);
    }

    /**
     * Sets a slot's notes (blank clears them), refused (412) when the slot is no longer at {@code expectedVersion}
     * (null: any): an assignment, a release or another manager's note changed it meanwhile.
     */
    @SerializedWrite
    @Transactional
    public HostnameSlot notes(String hostnameText, Long expectedVersion, String notesText) {
        HostnameSlot slot = requireSlot(hostnameText);
        Revisions.require(slot.getVersion(), expectedVersion, "Hostname " + slot.getHostname(),
                audit.lastChangeOf(slot.getHostname()));
        String notes = HostnameRules.notes(notesText);
        if (!Objects.equals(notes, slot.getNotes())) {
            slot.setNotes(notes);
            audit.record("hostname.notes", slot.getHostname(), notes == null ? "cleared" : notes);
            em.flush(); // the raised version is the answer's entity tag
        }
        return slot;
    }

    private Optional<HostnameSlot> slot(Venue venue, Product product, String identifier) {
        return em.createNamedQuery(HostnameSlot.BY_KEY, HostnameSlot.class)
                .setParameter("venue", venue).setParameter("product", product)
                .setParameter("identifier", identifier).getResultStream().findFirst();
    }

    private HostnameSlot requireSlot(String hostnameText) {
        ParsedHostname parsed = HostnameRules.parse(hostnameText, "hostname");
        return em.createNamedQuery(HostnameSlot.BY_HOSTNAME, HostnameSlot.class)
                .setParameter("hostname", parsed.hostname()).getResultStream().findFirst()
                .orElseThrow(() -> DomainException.notFound("Hostname " + parsed.hostname() + " is not in any pool"));
    }

    /** The outcome of an assignment; {@code reused} is true when the board already held this name. */
    public record Assignment(String hostname, Product product, String venueCode, String identifier,
                             SerialNumber serialNumber, MacAddress macAddress, boolean reused, Instant assignedAt) {
    }

    /** The outcome of an import. */
    public record ImportResult(String venueCode, int added, int duplicates, List<KartNumberParser.Invalid> invalid,
                               long poolSize) {
    }

    /** A venue is being removed: refused while any of its hostnames is assigned; its unused slots go with it. */
    void venueRemoving(@Observes VenueRemoving removing) {
        Venue venue = removing.venue();
        long assigned = em.createQuery("SELECT COUNT(s) FROM HostnameSlot s WHERE s.venue = :venue AND s.status = "
                        + "io.rpideploy.hostnames.entity.SlotStatus.ASSIGNED", Long.class)
                .setParameter("venue", venue).getSingleResult();
        if (assigned > 0) {
            throw DomainException.conflict("Venue " + venue.getCode() + " still has " + assigned
                    + " assigned hostnames: release or retire them first");
        }
        int slots = em.createQuery("DELETE FROM HostnameSlot s WHERE s.venue = :venue")
                .setParameter("venue", venue).executeUpdate();
        removing.removed().add(slots + " unused slots");
    }

    /** The plan's per-venue statistics: pool counts and successful deployments. */
    @Override
    public VenueStats stats(String codeText) {
        Venue venue = venues.require(codeText);
        Map<SlotStatus, Long> counts = new EnumMap<>(SlotStatus.class);
        for (SlotStatus status : SlotStatus.values()) {
            counts.put(status, 0L);
        }
        for (Object[] row : em.createNamedQuery(HostnameSlot.COUNT_BY_STATUS, Object[].class)
                .setParameter("venue", venue).getResultList()) {
            counts.put((SlotStatus) row[0], (Long) row[1]);
        }
        Object[] deployments = em.createQuery("SELECT COUNT(d), MAX(d.completedAt) FROM Deployment d"
                        + " WHERE d.venueCode = :code AND d.status = 'success'", Object[].class)
                .setParameter("code", venue.getCode()).getSingleResult();
        long total = deployments[0] == null ? 0 : ((Number) deployments[0]).longValue();
        Instant last = deployments[1] instanceof Instant instant ? instant
                : deployments[1] instanceof String text ? Instant.parse(text) : null;
        return new VenueStats(venue.getCode(), counts.get(SlotStatus.AVAILABLE), counts.get(SlotStatus.ASSIGNED),
                counts.get(SlotStatus.RETIRED), total, last);
    }
}
