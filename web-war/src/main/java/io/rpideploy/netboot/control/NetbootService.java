package io.rpideploy.netboot.control;

import io.rpideploy.audit.control.AuditLog;
import io.rpideploy.deployments.control.BoardBootSteps;
import io.rpideploy.deployments.control.DeploymentStarted;
import io.rpideploy.devices.control.DeviceRegistry;
import io.rpideploy.devices.entity.Device;
import io.rpideploy.netboot.api.MacAddress;
import io.rpideploy.netboot.api.SerialNumber;
import io.rpideploy.netboot.entity.Lease;
import io.rpideploy.netboot.entity.NetbootEvent;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.platform.control.SerializedWrite;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;

/** Re-imaging requests and what the console and the API read about network boot. */
@ApplicationScoped
public class NetbootService implements BoardBootSteps {

    @PersistenceContext
    EntityManager em;

    @Inject
    DeviceRegistry devices;

    @Inject
    AuditLog audit;

    @Inject
    Event<ReimageRequested> reimage;

    /**
     * Netboot once, undone for one board: its next network boot goes into the installer again. The flag is
     * consumed when the installer asks for its config.
     */
    @SerializedWrite
    @Transactional
    public Device requestReimage(SerialNumber serial, MacAddress mac) {
        Device device = devices.find(serial, mac).orElseThrow(() -> new DomainException(
                DomainException.Kind.NOT_FOUND, serial != null ? "serial_number" : "mac_address",
                "No board " + (serial != null ? serial : mac) + " has been seen"));
        device.setReimageRequested(true);
        String board = device.getSerialNumber() != null ? device.getSerialNumber() : device.getMacAddress();
        audit.record("device.reimage", board, device.getCurrentHostname() == null ? null
                : "hostname " + device.getCurrentHostname());
        reimage.fire(new ReimageRequested(device.serial(), device.mac(),
                device.getCurrentHostname()));
        return device;
    }

    /** The installer took the board over: the request is done (inside the config transaction). */
    void deploymentStarted(@Observes DeploymentStarted started) {
        devices.find(started.serial(), started.mac()).filter(Device::isReimageRequested)
                .ifPresent(d -> d.setReimageRequested(false));
    }

    public List<Lease> leases(int limit) {
        return em.createNamedQuery(Lease.ALL, Lease.class).setMaxResults(limit).getResultList();
    }

    public List<NetbootEvent> recentEvents(int limit) {
        return em.createNamedQuery(NetbootEvent.RECENT, NetbootEvent.class).setMaxResults(limit).getResultList();
    }

    /** A board's network boot between two instants, oldest first (at most 500 steps). */
    @Override
    public List<BootStep> ofBoard(MacAddress mac, Instant from, Instant to) {
        if (mac == null) {
            return List.of();
        }
        return em.createNamedQuery(NetbootEvent.OF_BOARD, NetbootEvent.class).setParameter("mac", mac.value())
                .setParameter("from", from).setParameter("to", to).setMaxResults(500).getResultList().stream()
                .map(e -> new BootStep(e.getId(), e.getAt(), e.getProtocol(), e.getKind(), e.getMacAddress(),
                        e.getPiSerial(), e.getIpAddress(), e.getClientKind(), e.getFileName(), e.getBytes(),
                        e.getDurationMs(), e.getBlockSize(), e.getWindowSize(), e.getDetail())).toList();
    }
}
