package io.rpideploy.deployments.control;

import io.rpideploy.deployments.control.DeploymentRules.Figures;
import io.rpideploy.deployments.control.DeploymentRules.Move;
import io.rpideploy.deployments.entity.Deployment;
import io.rpideploy.deployments.entity.DeploymentEvent;
import io.rpideploy.deployments.entity.DeploymentState;
import io.rpideploy.devices.control.DeviceRegistry;
import io.rpideploy.devices.entity.BoardIdentity;
import io.rpideploy.devices.entity.Device;
import io.rpideploy.hostnames.control.HostnameLeaving;
import io.rpideploy.hostnames.control.HostnameService;
import io.rpideploy.netboot.api.MacAddress;
import io.rpideploy.netboot.api.SerialNumber;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.platform.control.SerializedWrite;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one place a deployment changes state: every change is checked against {@link DeploymentRules}, stored with
 * a timeline entry and announced with a {@link DeploymentStateChanged}. Also finds the deployment a report is
 * about. State changes are serialized writes; progress ticks go to the {@link ProgressBuffer}.
 */
@ApplicationScoped
public class DeploymentTimeline {

    /** Unfinished deployments of one board that a new run closes at once (normally one, at most a few). */
    static final int MAX_OPEN = 20;
    private static final String ACTIVE_STATES = "('started', 'starting', 'downloading', 'verifying', 'customizing')";
    private static final String[] BOARD_KEYS = {"serial_number", "mac_address", "hostname"};

    @PersistenceContext
    EntityManager em;

    @Inject
    HostnameService hostnames;

    @Inject
    DeviceRegistry devices;

    @Inject
    ProgressBuffer buffer;

    @Inject
    Clock clock;

    @Inject
    Event<DeploymentStateChanged> changed;

    @Inject
    Event<DeploymentProgressed> progressed;

    /** What became of a report. */
    public record Reported(long deploymentId, String status, String hostname, boolean stateChanged) {
    }

    /**
     * The deployment a report is about: by id; else the board's latest unfinished one by serial, MAC, then
     * hostname; else the board's latest one (so a late report after the end gets a clear 409, not a 404).
     */
    public Deployment match(StatusReport report) {
        if (report.deploymentId() != null) {
            Deployment deployment = em.find(Deployment.class, report.deploymentId());
            if (deployment == null) {
                throw new DomainException(DomainException.Kind.NOT_FOUND, "deployment_id",
                        "No deployment " + report.deploymentId());
            }
            if (contradicts(deployment.serial(), report.serial())
                    || (report.serial() == null && contradicts(deployment.mac(), report.mac()))) {
                throw DomainException.conflict("deployment_id", "Deployment " + deployment.getId()
                        + " belongs to another board");
            }
            return deployment;
        }
        String[] values = {BoardIdentity.column(report.serial()), BoardIdentity.column(report.mac()),
                report.hostname()};
        for (boolean unfinishedOnly : new boolean[] {true, false}) {
            for (int i = 0; i < BOARD_KEYS.length; i++) {
                if (values[i] != null) {
                    Optional<Deployment> found = latest(BOARD_KEYS[i], values[i], unfinishedOnly);
                    if (found.isPresent()) {
                        return found.get();
                    }
                }
            }
        }
        if (values[0] == null && values[1] == null && values[2] == null) {
            throw DomainException.invalid("serial", "Send deployment_id, serial, mac_address or hostname so the "
                    + "server knows which board reports");
        }
        throw DomainException.notFound("No deployment of this board: it must ask /api/config first");
    }

    private static <T> boolean contradicts(T stored, T reported) {
        return stored != null && reported != null && !stored.equals(reported);
    }

    private Optional<Deployment> latest(String column, String value, boolean unfinishedOnly) {
        // column comes from BOARD_KEYS, never from input
        @SuppressWarnings("unchecked")
        List<Deployment> found = em.createNativeQuery("SELECT * FROM deployment WHERE " + column + " = ?1"
                        + (unfinishedOnly ? " AND status NOT IN ('success', 'failed')" : "")
                        + " ORDER BY id DESC LIMIT 1", Deployment.class)
                .setParameter(1, value).getResultList();
        return found.stream().findFirst();
    }

    /** The board's unfinished, not interrupted deployments, newest first. */
    @SuppressWarnings("unchecked")
    public List<Deployment> openOfBoard(SerialNumber serial, MacAddress mac, Long deviceId) {
        if (serial == null && mac == null && deviceId == null) {
            return List.of();
        }
        List<Deployment> found = em.createNativeQuery("SELECT * FROM deployment WHERE status IN " + ACTIVE_STATES
                        + " AND (serial_number = ?1 OR mac_address = ?2 OR device_id = ?3)"
                        + " ORDER BY id DESC LIMIT " + MAX_OPEN, Deployment.class)
                .setParameter(1, BoardIdentity.column(serial)).setParameter(2, BoardIdentity.column(mac))
                .setParameter(3, deviceId).getResultList();
        // through find, so that inside a transaction the caller changes managed instances
        return found.stream().map(d -> em.find(Deployment.class, d.getId())).toList();
    }

    /**
     * A hostname leaves its board (release, retire, pin, replace): refused while a board is imaging under it, since
     * it would finish under a name the next board may take; when the user confirmed the board is gone, its run
     * ends as interrupted instead.
     */
    @SuppressWarnings("unchecked")
    void hostnameLeaving(@Observes HostnameLeaving leaving) {
        List<Deployment> running = ((List<Deployment>) em.createNativeQuery("SELECT * FROM deployment WHERE status IN "
                        + ACTIVE_STATES + " AND hostname = ?1 ORDER BY id DESC LIMIT " + MAX_OPEN, Deployment.class)
                .setParameter(1, leaving.hostname()).getResultList()).stream()
                .map(d -> em.find(Deployment.class, d.getId())).toList();
        if (running.isEmpty()) {
            return;
        }
        if (!leaving.boardGone()) {
            Deployment d = running.get(0);
            throw DomainException.conflict("board_gone", "Board " + Objects.requireNonNullElse(d.getSerialNumber(),
                    Objects.requireNonNullElse(d.getMacAddress(), "?")) + " is still imaging under "
                    + leaving.hostname() + " (deployment " + d.getId() + ", " + d.getStatus()
                    + (d.getProgress() == null ? "" : " " + d.getProgress() + " %") + "): wait until it finishes"
                    + (leaving.confirmable() ? ", or confirm that the board is gone to interrupt its run" : ""));
        }
        close(running, "Interrupted: " + leaving.why() + ", the board is gone");
    }

    /** Whether no newer deployment of the same board exists. */
    public boolean isLatestOfBoard(Deployment d) {
        Number newer = (Number) em.createNativeQuery("SELECT COUNT(*) FROM deployment WHERE id > ?1"
                        + " AND (serial_number = ?2 OR mac_address = ?3 OR device_id = ?4)")
                .setParameter(1, d.getId()).setParameter(2, d.getSerialNumber())
                .setParameter(3, d.getMacAddress()).setParameter(4, d.getDeviceId()).getSingleResult();
        return newer.longValue() == 0;
    }

    /** The move a report asks of its deployment, or a 409. */
    public Move check(Deployment d, DeploymentState to) {
        DeploymentState from = d.getState();
        return DeploymentRules.transition(d.getId(), from, to,
                from != DeploymentState.INTERRUPTED || isLatestOfBoard(d));
    }

    /** Same state, new figures: into the buffer, announced, nothing written now. */
    public Reported tick(Deployment d, StatusReport report) {
        Instant now = clock.instant();
        buffer.offer(new ProgressBuffer.Tick(d.getId(), d.getStatus(), report.figures(), report.message(), now));
        Figures f = report.figures();
        progressed.fire(new DeploymentProgressed(d.getId(), d.getStatus(), d.getHostname(), f.progress(),
                f.bytesWritten(), f.bytesTotal(), f.rateBps(), report.message(), now));
        return new Reported(d.getId(), d.getStatus(), d.getHostname(), false);
    }

    /** A report that changes the state, checked again now that this is the only writer. */
    @SerializedWrite
    @Transactional
    public Reported apply(StatusReport report, String ip, Optional<MacAddress> leaseHolder) {
        Deployment d = em.find(Deployment.class, match(report).getId());
        ReportOrigin.check(d, report.reportToken(), ip, leaseHolder);
        if (check(d, report.state()) == Move.REPEAT) {
            return tick(d, report); // another report of the board moved it first
        }
        if (report.state() == DeploymentState.SUCCESS && d.getHostname() != null && d.getDeviceId() != null) {
            hostnames.confirmHolder(d.getHostname(), d.getDeviceId()); // never two boards done under one name
        }
        enter(d, report.state(), report.message(), report.errorMessage(), report.figures(), ip, true);
        return new Reported(d.getId(), d.getStatus(), d.getHostname(), true);
    }

    /**
     * {@code starting} from a board without a deployment id. The plan's installer sends it first thing, before it
     * asks for its config: it joins the board's run when /api/config has just opened one; otherwise it opens a
     * run (which /api/config then takes over) and closes any older unfinished run of the board as interrupted,
     * since a board runs one installer at a time.
     */
    @SerializedWrite
    @Transactional
    public Reported starting(StatusReport report, String ip, Duration quiet) {
        List<Deployment> open = openOfBoard(report.serial(), report.mac(), null);
        // "starting" from somewhere else must not interrupt a run of this board that is going on
        Optional<Deployment> elsewhere = ReportOrigin.runningElsewhere(open, ip, report.mac(), clock.instant(), quiet);
        if (elsewhere.isPresent()) {
            throw ReportOrigin.busy(elsewhere.get());
        }
        if (!open.isEmpty()) {
            Deployment latest = open.get(0);
            DeploymentState state = latest.getState();
            if (state == DeploymentState.STARTED || state == DeploymentState.STARTING) {
                if (check(latest, DeploymentState.STARTING) == Move.REPEAT) {
                    return tick(latest, report);
                }
                enter(latest, DeploymentState.STARTING, report.message(), null, report.figures(), ip, true);
                close(open.subList(1, open.size()), "Superseded by deployment " + latest.getId());
                return new Reported(latest.getId(), latest.getStatus(), latest.getHostname(), true);
            }
        }
        Long deviceId = devices.find(report.serial(), report.mac()).map(Device::getId).orElse(null);
        Deployment d = new Deployment(DeploymentState.STARTING, report.serial(), report.mac(), ip, clock.instant());
        d.configure(deviceId, report.hostname(), null, null, null, null);
        d.setMessage(report.message());
        open(d);
        close(open, "The board started over (deployment " + d.getId() + ")");
        return new Reported(d.getId(), d.getStatus(), d.getHostname(), true);
    }

    /** Stores a new deployment (in its first state, as built by the caller) with its first timeline entry. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void open(Deployment d) {
        em.persist(d);
        em.flush(); // the id, for the timeline entry
        em.persist(new DeploymentEvent(d, d.getStartedAt(), d.getMessage()));
        changed.fire(stateChanged(d, null, d.getIpAddress(), d.getMessage(), d.getStartedAt()));
    }

    /** Closes unfinished deployments of a board that has started a new run. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void close(List<Deployment> stale, String reason) {
        for (Deployment d : stale) {
            enter(d, DeploymentState.INTERRUPTED, reason, null, Figures.NONE, d.getIpAddress(), false);
        }
    }

    /**
     * Moves a deployment to {@code to} (the rules have been checked) and records it.
     *
     * @param boardSpoke whether the board itself reported this (the watchdog's interruption is not the board)
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void enter(Deployment d, DeploymentState to, String message, String errorMessage, Figures figures, String ip,
               boolean boardSpoke) {
        Instant now = clock.instant();
        DeploymentState from = d.getState();
        d.setState(to, now);
        if (boardSpoke) {
            d.setLastSeenAt(now);
        }
        d.setMessage(message);
        // progress belongs to a state (verifying counts its own 0-100); byte figures carry over
        Figures kept = figures.over(new Figures(null, d.getBytesWritten(), d.getBytesTotal(), d.getRateBps()));
        d.setProgress(figures.progress(), kept.bytesWritten(), kept.bytesTotal(), kept.rateBps());
        String said = message;
        switch (to) {
            case SUCCESS -> {
                d.setCompletedAt(now);
                d.setErrorMessage(null);
            }
            case FAILED -> {
                // the plan's installer sends the error as message ("report_status('failed', str(e))")
                String error = Objects.requireNonNullElse(errorMessage != null ? errorMessage : message,
                        "The installer reported failure without a message");
                d.setCompletedAt(now);
                d.setErrorMessage(error);
                said = error;
            }
            case INTERRUPTED -> d.setErrorMessage(message);
            default -> d.setErrorMessage(null);
        }
        buffer.discard(d.getId());
        em.persist(new DeploymentEvent(d, now, said));
        changed.fire(stateChanged(d, from, ip, said, now));
    }

    private static DeploymentStateChanged stateChanged(Deployment d, DeploymentState from, String ip, String message,
                                                       Instant at) {
        return new DeploymentStateChanged(d.getId(), from == null ? null : from.value(), d.getStatus(),
                d.getHostname(), d.getSerialNumber(), d.getMacAddress(), ip, message, d.getProgress(),
                d.getBytesWritten(), d.getBytesTotal(), d.getRateBps(), at);
    }
}
