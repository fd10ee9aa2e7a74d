package io.rpideploy.devices.control;

import io.rpideploy.devices.entity.Device;
import io.rpideploy.platform.control.DomainException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Finds a board by its serial number, else by its MAC address, and records when it was seen. The serial wins: a
 * board that changes network adapters is still the same board.
 */
@ApplicationScoped
public class DeviceRegistry {

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    public Optional<Device> find(String serial, String mac) {
        if (serial != null) {
            Optional<Device> bySerial = em.createNamedQuery(Device.BY_SERIAL, Device.class)
                    .setParameter("serial", serial).getResultStream().findFirst();
            if (bySerial.isPresent()) {
                return bySerial;
            }
        }
        if (mac != null) {
            return em.createNamedQuery(Device.BY_MAC, Device.class).setParameter("mac", mac)
                    .getResultStream().findFirst()
                    // a MAC match only counts when the serials do not contradict each other
                    .filter(d -> serial == null || d.getSerialNumber() == null);
        }
        return Optional.empty();
    }

    /** The board with these (already normalised) identities, created on first sight; needs at least one. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Device seen(String serial, String mac) {
        requireIdentity(serial, mac);
        return seen(find(serial, mac), serial, mac);
    }

    /** As {@link #seen(String, String)}, for a caller that has just looked the board up with {@link #find}. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Device seen(Optional<Device> known, String serial, String mac) {
        requireIdentity(serial, mac);
        Instant now = clock.instant();
        Device device = known.orElse(null);
        if (device == null) {
            device = new Device(serial, mac, now);
            if (mac != null && findByMac(mac).isPresent()) {
                // the MAC belongs to another serial: a swapped adapter; the new board takes the address
                findByMac(mac).get().setMacAddress(null);
                em.flush();
            }
            em.persist(device);
            return device;
        }
        if (device.getSerialNumber() == null && serial != null) {
            device.setSerialNumber(serial);
        }
        if (mac != null && !mac.equals(device.getMacAddress())) {
            Optional<Device> holder = findByMac(mac);
            if (holder.isEmpty()) {
                device.setMacAddress(mac);
            } else if (holder.get().getSerialNumber() != null) {
                // the address moved from another serial's board (a swapped adapter): it is this board's now
                holder.get().setMacAddress(null);
                em.flush();
                device.setMacAddress(mac);
            }
            // else a MAC-only record holds it: the MAC stays there, the serial identifies this board
        }
        device.setLastSeen(now);
        return device;
    }

    public static void requireIdentity(String serial, String mac) {
        if (serial == null && mac == null) {
            throw DomainException.invalid("serial_number", "A serial number or a MAC address is required to "
                    + "recognise the board");
        }
    }

    private Optional<Device> findByMac(String mac) {
        return em.createNamedQuery(Device.BY_MAC, Device.class).setParameter("mac", mac)
                .getResultStream().findFirst();
    }
}
