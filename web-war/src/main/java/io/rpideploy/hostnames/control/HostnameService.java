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
        Optional<Device> known = devices.find(serial, mac);
        if (known.isEmpty()) {
            // a board seen for the first time holds nothing yet: pick its name, then store board and name together
            HostnameSlot slot = product == Product.KXP2 ? nextKartNumber(venue) : serialSlot(venue, serial, now);
            Device device = devices.seen(known, serial, mac);
            slot.assignTo(device, now);
            device.setCurrentHostname(slot.getHostname());
            return done(slot, device, false, actor, now);
        }
        Device device = devices.seen(known, serial, mac);
        List<HostnameSlot> held = em.createNamedQuery(HostnameSlot.ASSIGNED_TO, HostnameSlot.class)
                .setParameter("device", device).getResultList();
        for (HostnameSlot slot : held) {
            if (slot.getProduct() == product && slot.getVenue().getId().equals(venue.getId())) {
                device.setCurrentHostname(slot.getHostname());
                return done(slot, device, true, actor, now);
            }
        }

        HostnameSlot slot = product == Product.KXP2 ? nextKartNumber(venue) : serialSlot(venue, serial, now);
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

    /** Puts an assigned hostname back into its pool; the board keeps no claim on it. */
    @SerializedWrite
    @Transactional
    public HostnameSlot release(String hostnameText) {
        HostnameSlot slot = requireSlot(hostnameText);
        if (slot.getStatus() == SlotStatus.RETIRED) {
            throw DomainException.conflict("Hostname " + slot.getHostname() + " is retired and cannot be released");
        }
        if (slot.getStatus() == SlotStatus.ASSIGNED) {
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

    /** Takes a hostname out of service for good (a kart scrapped or renumbered). */
    @SerializedWrite
    @Transactional
    public HostnameSlot retire(String hostnameText) {
        HostnameSlot slot = requireSlot(hostnameText);
        if (slot.getStatus() != SlotStatus.RETIRED) {
            Device device = slot.getDevice();
            if (device != null && slot.getHostname().equals(device.getCurrentHostname())) {
                device.setCurrentHostname(null);
            }
            slot.retire();
            audit.record("hostname.retire", slot.getHostname(), device == null ? null : "was " + device.label());
        }
        return slot;
    }

    /** A venue's slots, optionally of one status, in hostname order. */
    public List<HostnameSlot> slots(String venueText, SlotStatus status, int first, int max) {
        Venue venue = venues.require(venueText);
        TypedQuery<HostnameSlot> query = em.createQuery("SELECT s FROM HostnameSlot s LEFT JOIN FETCH s.device"
                + " WHERE s.venue = :venue" + (status == null ? "" : " AND s.status = :status")
                + " ORDER BY s.product, s.identifier", HostnameSlot.class).setParameter("venue", venue);
        if (status != null) {
            query.setParameter("status", status);
        }
        return query.setFirstResult(first).setMaxResults(max).getResultList();
    }

    public long countSlots(String venueText, SlotStatus status) {
        Venue venue = venues.require(venueText);
        TypedQuery<Long> query = em.createQuery("SELECT COUNT(s) FROM HostnameSlot s WHERE s.venue = :venue"
                + (status == null ? "" : " AND s.status = :status"), Long.class).setParameter("venue", venue);
        if (status != null) {
            query.setParameter("status", status);
        }
        return query.getSingleResult();
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
