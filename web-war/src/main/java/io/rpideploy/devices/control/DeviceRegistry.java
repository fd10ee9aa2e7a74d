package io.rpideploy.devices.control;

import io.rpideploy.devices.entity.Device;
import io.rpideploy.netboot.api.MacAddress;
import io.rpideploy.netboot.api.SerialNumber;
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

    public Optional<Device> find(SerialNumber serial, MacAddress mac) {
        if (serial != null) {
            Optional<Device> bySerial = em.createNamedQuery(Device.BY_SERIAL, Device.class)
                    .setParameter("serial", serial.value()).getResultStream().findFirst();
            if (bySerial.isPresent()) {
                return bySerial;
            }
        }
        if (mac != null) {
            return findByMac(mac)
                    // a MAC match only counts when the serials do not contradict each other
                    .filter(d -> serial == null || d.getSerialNumber() == null);
        }
        return Optional.empty();
    }

    /** The board with these identities, created on first sight; needs at least one. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Device seen(SerialNumber serial, MacAddress mac) {
        requireIdentity(serial, mac);
        return seen(find(serial, mac), serial, mac);
    }

    /** As {@link #seen(SerialNumber, MacAddress)}, for a caller that has just looked the board up with {@link #find}. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Device seen(Optional<Device> known, SerialNumber serial, MacAddress mac) {
        requireIdentity(serial, mac);
        Instant now = clock.instant();
        Device device = known.orElse(null);
        if (device == null) {
            device = new Device(serial, mac, now);
            if (mac != null && findByMac(mac).isPresent()) {
                // the MAC belongs to another serial: a swapped adapter; the new board takes the address
                findByMac(mac).get().setMac(null);
                em.flush();
            }
            em.persist(device);
            return device;
        }
        if (device.getSerialNumber() == null && serial != null) {
            device.setSerial(serial);
        }
        if (mac != null && !mac.equals(device.mac())) {
            Optional<Device> holder = findByMac(mac);
            if (holder.isEmpty()) {
                device.setMac(mac);
            } else if (holder.get().getSerialNumber() != null) {
                // the address moved from another serial's board (a swapped adapter): it is this board's now
                holder.get().setMac(null);
                em.flush();
                device.setMac(mac);
            }
            // else a MAC-only record holds it: the MAC stays there, the serial identifies this board
        }
        device.setLastSeen(now);
        return device;
    }

    public static void requireIdentity(SerialNumber serial, MacAddress mac) {
        if (serial == null && mac == null) {
            throw DomainException.invalid("serial_number", "A serial number or a MAC address is required to "
                    + "recognise the board");
        }
    }

    private Optional<Device> findByMac(MacAddress mac) {
        return em.createNamedQuery(Device.BY_MAC, Device.class).setParameter("mac", mac.value())
                .getResultStream().findFirst();
    }
}
