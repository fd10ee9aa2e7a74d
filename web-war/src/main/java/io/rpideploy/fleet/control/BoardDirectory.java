package io.rpideploy.fleet.control;

import io.rpideploy.deployments.entity.Deployment;
import io.rpideploy.devices.entity.Device;
import io.rpideploy.platform.control.DomainException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Every board ever seen, newest first, found by any part of its serial, MAC or hostname. */
@ApplicationScoped
public class BoardDirectory {

    public static final int MAX_PAGE = 500;
    static final int MAX_QUERY = 64;

    @PersistenceContext
    EntityManager em;

    /**
     * One board: what it reported of itself, what it is now, and its deployments in short. {@code imageVersion} is
     * the image of its last successful deployment, which its installer verified on the card.
     */
    public record Board(String serialNumber, String macAddress, String model, String hostname, Instant firstSeen,
                        Instant lastSeen, long deployments, Long lastDeploymentId, String lastStatus,
                        String imageVersion, Instant imagedAt) {
    }

    public record Page(long total, int offset, int limit, List<Board> boards) {
    }

    public Page search(String text, int offset, int limit) {
        if (offset < 0) {
            throw DomainException.invalid("offset", "offset must be 0 or more");
        }
        if (limit < 1 || limit > MAX_PAGE) {
            throw DomainException.invalid("limit", "limit must be 1.." + MAX_PAGE);
        }
        String like = like(text);
        String where = like == null ? "" : " WHERE LOWER(d.serialNumber) LIKE :q OR LOWER(d.macAddress) LIKE :q"
                + " OR LOWER(d.currentHostname) LIKE :q";
        TypedQuery<Long> count = em.createQuery("SELECT COUNT(d) FROM Device d" + where, Long.class);
        TypedQuery<Device> page = em.createQuery("SELECT d FROM Device d" + where
                + " ORDER BY d.lastSeen DESC, d.id DESC", Device.class);
        if (like != null) {
            count.setParameter("q", like);
            page.setParameter("q", like);
        }
        List<Device> devices = page.setFirstResult(offset).setMaxResults(limit).getResultList();
        return new Page(count.getSingleResult(), offset, limit, withDeployments(devices));
    }

    /** The part of a serial, MAC or hostname searched for, as a LIKE pattern; null for "everything". */
    static String like(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String q = text.strip().toLowerCase(Locale.ROOT);
        if (q.length() > MAX_QUERY) {
            throw DomainException.invalid("q", "Search for at most " + MAX_QUERY + " characters");
        }
        // % and _ are LIKE's wildcards, which a serial, MAC or hostname never holds: dropped rather than matched
        q = q.replace("%", "").replace("_", "");
        return "%" + q + "%";
    }

    private List<Board> withDeployments(List<Device> devices) {
        if (devices.isEmpty()) {
            return List.of();
        }
        List<Long> ids = devices.stream().map(Device::getId).toList();
        Map<Long, List<Deployment>> byDevice = new HashMap<>();
        // newest first; a page holds at most MAX_PAGE boards, each with its own (short) history
        for (Deployment x : em.createQuery("SELECT x FROM Deployment x WHERE x.deviceId IN :ids ORDER BY x.id DESC",
                Deployment.class).setParameter("ids", ids).getResultList()) {
            byDevice.computeIfAbsent(x.getDeviceId(), k -> new ArrayList<>()).add(x);
        }
        List<Board> boards = new ArrayList<>();
        for (Device d : devices) {
            List<Deployment> runs = byDevice.getOrDefault(d.getId(), List.of());
            Deployment last = runs.isEmpty() ? null : runs.get(0);
            Deployment imaged = runs.stream().filter(x -> "success".equals(x.getStatus())).findFirst().orElse(null);
            boards.add(new Board(d.getSerialNumber(), d.getMacAddress(), d.getModel(), d.getCurrentHostname(),
                    d.getFirstSeen(), d.getLastSeen(), runs.size(), last == null ? null : last.getId(),
                    last == null ? null : last.getStatus(), imaged == null ? null : imaged.getImageVersion(),
                    imaged == null ? null : imaged.getCompletedAt()));
        }
        return boards;
    }
}
