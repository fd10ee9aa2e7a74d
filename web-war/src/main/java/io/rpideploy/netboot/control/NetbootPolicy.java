package io.rpideploy.netboot.control;

import io.rpideploy.deployments.control.DeploymentStateChanged;
import io.rpideploy.hostnames.control.HostnameRules;
import io.rpideploy.netboot.dhcp.StandardBootPolicy;
import io.rpideploy.netboot.policy.ClientKind;
import io.rpideploy.netboot.policy.DhcpClient;
import io.rpideploy.netboot.policy.DhcpDecision;
import io.rpideploy.platform.control.DomainException;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * What the DHCP server answers each client: the one place for network-boot policy.
 * <ul>
 *   <li>Netboot once: a board whose latest deployment succeeded gets an address but no boot options (its bootloader
 *   then boots from its card), unless an operator asked for it to be imaged again.</li>
 *   <li>Boot files by client kind, as the plan's dnsmasq lines ({@link StandardBootPolicy}): a Raspberry Pi gets
 *   the Pi PXE menu and no file; arm64 UEFI, x64 UEFI and BIOS clients their configured file; others an address.</li>
 *   <li>Static reservations by MAC ({@code rpideploy.netboot.reservations}).</li>
 * </ul>
 * Answers come from memory (this is on the DHCP receive path); the set of finished boards is loaded at start and
 * kept current from deployment events.
 */
@ApplicationScoped
public class NetbootPolicy {

    private static final Logger LOG = Logger.getLogger(NetbootPolicy.class.getName());

    @Inject
    NetbootConfig config;

    @PersistenceContext
    EntityManager em;

    /** MACs and serial suffixes (8 lower-case hex digits, what a Pi sends in option 97) of finished boards. */
    private final Set<String> finished = ConcurrentHashMap.newKeySet();
    private StandardBootPolicy standard = new StandardBootPolicy("ipxe-arm64.efi", "ipxe.efi", "undionly.kpxe",
            Map.of());

    @PostConstruct
    void load() {
        Map<String, Inet4Address> reservations = parseReservations(config.value("reservations", ""));
        standard = new StandardBootPolicy(config.value("boot-file-uefi-arm64", "ipxe-arm64.efi"),
                config.value("boot-file-uefi-x64", "ipxe.efi"), config.value("boot-file-bios", "undionly.kpxe"),
                reservations);
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT d.serial_number, d.mac_address FROM deployment d"
                + " LEFT JOIN device v ON v.id = d.device_id"
                + " WHERE d.status = 'success' AND COALESCE(v.reimage_requested, 0) = 0"
                + " AND d.id = (SELECT MAX(e.id) FROM deployment e WHERE"
                + " (d.serial_number IS NOT NULL AND e.serial_number = d.serial_number)"
                + " OR (d.serial_number IS NULL AND e.mac_address = d.mac_address))").getResultList();
        for (Object[] row : rows) {
            remember((String) row[0], (String) row[1]);
        }
        LOG.info("netboot policy: " + rows.size() + " finished boards boot from their cards, "
                + reservations.size() + " reservations");
    }

    /** Never null; from memory only. */
    public DhcpDecision decide(DhcpClient client) {
        if (client.kind() != ClientKind.OTHER && isFinished(client)) {
            // the standard answer's address (a reservation applies all the same), without the boot options
            return DhcpDecision.addressOnly(standard.decide(client).reserved());
        }
        return standard.decide(client);
    }

    public boolean isFinished(DhcpClient client) {
        return finished.contains(client.mac())
                || (client.piSerial() != null && finished.contains(client.piSerial().toLowerCase(Locale.ROOT)));
    }

    /** A deployment ended well: the board boots from its card from now on; a new run makes it a netboot client. */
    void deploymentChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) DeploymentStateChanged change) {
        if ("success".equals(change.to())) {
            remember(change.serialNumber(), change.macAddress());
        } else if (change.from() == null) {
            forget(change.serialNumber(), change.macAddress());
        }
    }

    /** An operator asked for the board to be imaged again: once the flag is stored, boot it into the installer. */
    void reimageRequested(@Observes(during = TransactionPhase.AFTER_SUCCESS) ReimageRequested request) {
        forget(request.serialNumber(), request.macAddress());
    }

    private void remember(String serial, String mac) {
        if (mac != null) {
            finished.add(mac);
        }
        String suffix = serialSuffix(serial);
        if (suffix != null) {
            finished.add(suffix);
        }
    }

    private void forget(String serial, String mac) {
        if (mac != null) {
            finished.remove(mac);
        }
        String suffix = serialSuffix(serial);
        if (suffix != null) {
            finished.remove(suffix);
        }
    }

    /** A Pi's DHCP option 97 carries the last 8 hex digits of the serial that /proc/cpuinfo shows in full. */
    static String serialSuffix(String serial) {
        if (serial == null || serial.length() < 8) {
            return null;
        }
        return serial.substring(serial.length() - 8).toLowerCase(Locale.ROOT);
    }

    /** {@code mac=ip} pairs separated by commas or whitespace. */
    static Map<String, Inet4Address> parseReservations(String text) {
        Map<String, Inet4Address> result = new HashMap<>();
        for (String item : text.split("[,\\s]+")) {
            if (item.isBlank()) {
                continue;
            }
            int eq = item.indexOf('=');
            if (eq < 0) {
                throw DomainException.invalid("rpideploy.netboot.reservations",
                        "Reservation '" + item + "' must look like 2c:cf:67:12:34:56=192.168.151.20");
            }
            String mac = HostnameRules.mac(item.substring(0, eq), "rpideploy.netboot.reservations");
            result.put(mac, ipv4(item.substring(eq + 1), "rpideploy.netboot.reservations"));
        }
        return Map.copyOf(result);
    }

    static Inet4Address ipv4(String text, String field) {
        String t = text.trim();
        if (!t.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw DomainException.invalid(field, "'" + t + "' is not an IPv4 address");
        }
        try {
            InetAddress address = InetAddress.getByName(t); // a literal: no name lookup
            if (address instanceof Inet4Address v4) {
                return v4;
            }
        } catch (UnknownHostException e) {
            // falls through to the error below
        }
        throw DomainException.invalid(field, "'" + t + "' is not an IPv4 address");
    }
}
