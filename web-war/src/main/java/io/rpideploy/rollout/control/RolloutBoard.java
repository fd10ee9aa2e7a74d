package io.rpideploy.rollout.control;

import io.rpideploy.deployments.entity.Deployment;
import io.rpideploy.devices.entity.Device;
import io.rpideploy.hostnames.entity.HostnameSlot;
import io.rpideploy.hostnames.entity.Product;
import io.rpideploy.rollout.control.RolloutRules.Run;
import io.rpideploy.rollout.control.RolloutRules.Slot;
import io.rpideploy.rollout.control.RolloutRules.Totals;
import io.rpideploy.venues.control.VenueService;
import io.rpideploy.venues.entity.Venue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One venue's rollout for one product: every name of its pool (kart numbers for KXP2, serial-derived names for
 * RXP2) in order, each with the state {@link RolloutRules} derives from the slot and the latest run under the name.
 * Two queries whatever the pool's size: the slots with their boards, and the latest deployment per name (an index
 * lookup each, on {@code deployment (hostname, id)}).
 */
@ApplicationScoped
public class RolloutBoard {

    /** More names than any venue has; the board is one page. */
    static final int MAX_KARTS = 5000;

    @PersistenceContext
    EntityManager em;

    @Inject
    VenueService venues;

    /** One kart as the board shows it. */
    public record Kart(String hostname, String identifier, KartState state, String slotStatus, Integer progress,
                       String imageVersion, Instant lastDeploymentAt, Instant completedAt, String failureReason,
                       Long deploymentId, String deploymentStatus, String serialNumber, String macAddress,
                       boolean reimageRequested) {
    }

    /** A venue's board: its karts in identifier order and the counts. */
    public record Board(String venueCode, String venueName, Product product, Totals totals, List<Kart> karts) {
    }

    public Board of(String venueText, Product product) {
        Venue venue = venues.require(venueText);
        List<HostnameSlot> slots = em.createQuery("SELECT s FROM HostnameSlot s LEFT JOIN FETCH s.device"
                        + " WHERE s.venue = :venue AND s.product = :product ORDER BY s.identifier", HostnameSlot.class)
                .setParameter("venue", venue).setParameter("product", product).setMaxResults(MAX_KARTS)
                .getResultList();
        Map<String, Deployment> latest = new HashMap<>();
        if (!slots.isEmpty()) {
            @SuppressWarnings("unchecked")
            List<Deployment> runs = em.createNativeQuery("SELECT * FROM deployment WHERE id IN (SELECT MAX(d.id)"
                    + " FROM deployment d JOIN hostname_slot s ON d.hostname = s.hostname WHERE s.venue_id = ?1"
                    + " AND s.product_type = ?2 GROUP BY d.hostname)", Deployment.class)
                    .setParameter(1, venue.getId()).setParameter(2, product.name()).getResultList();
            runs.forEach(d -> latest.put(d.getHostname(), d));
        }
        List<Kart> karts = slots.stream().map(s -> kart(s, latest.get(s.getHostname()))).toList();
        return new Board(venue.getCode(), venue.getName(), product,
                RolloutRules.totals(karts.stream().map(Kart::state).toList()), karts);
    }

    /** The products this venue has a pool of, KXP2 first; empty when it has none yet. */
    public List<Product> productsOf(String venueText) {
        Venue venue = venues.require(venueText);
        return em.createQuery("SELECT DISTINCT s.product FROM HostnameSlot s WHERE s.venue = :venue", Product.class)
                .setParameter("venue", venue).getResultList().stream().sorted().toList();
    }

    private static Kart kart(HostnameSlot s, Deployment d) {
        Device board = s.getDevice();
        Slot slot = new Slot(s.getHostname(), s.getIdentifier(), s.getStatus(), board == null ? null : board.getId(),
                board == null ? null : board.getSerialNumber(), board == null ? null : board.getMacAddress(),
                board != null && board.isReimageRequested());
        Run run = d == null ? null : new Run(d.getId(), d.getDeviceId(), d.getSerialNumber(), d.getState(),
                d.getProgress(), d.getImageVersion(), d.getStartedAt(), d.getLastSeenAt(), d.getCompletedAt(),
                d.getErrorMessage(), d.getMessage());
        KartState state = RolloutRules.state(slot, run);
        // the run's figures describe the kart only when the run is the kart's current board's (or under way)
        Run shown = state == KartState.IMAGING || state == KartState.DONE || state == KartState.FAILED ? run : null;
        Integer progress = shown == null ? null : state == KartState.DONE ? Integer.valueOf(100)
                : state == KartState.IMAGING && shown.progress() == null ? Integer.valueOf(0) : shown.progress();
        return new Kart(s.getHostname(), s.getIdentifier(), state, s.getStatus().label(), progress,
                shown == null ? null : shown.imageVersion(), RolloutRules.lastDeploymentAt(run),
                shown == null ? null : shown.completedAt(), RolloutRules.failureReason(state, run),
                run == null ? null : run.id(), d == null ? null : d.getStatus(),
                slot.serialNumber() != null ? slot.serialNumber() : shown == null ? null : shown.serialNumber(),
                slot.macAddress(), slot.reimageRequested());
    }
}
