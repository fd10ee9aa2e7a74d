package io.rpideploy.netboot.control;

import io.rpideploy.deployments.control.DeploymentStateChanged;
import io.rpideploy.hostnames.control.HostnameRules;
import io.rpideploy.netboot.api.BoardSerial;
import io.rpideploy.netboot.api.ClientKind;
import io.rpideploy.netboot.api.DhcpClient;
import io.rpideploy.netboot.api.DhcpDecision;
import io.rpideploy.netboot.api.DhcpDecision.BootOffer;
import io.rpideploy.netboot.api.MacAddress;
import io.rpideploy.netboot.api.NetbootSetting;
import io.rpideploy.netboot.api.SerialNumber;
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
 *   <li>Boot files by client kind, as the plan's dnsmasq lines: a Raspberry Pi gets the Pi PXE menu and no file
 *   (with {@code pi-architecture-zero}, every PXE client of architecture 0 counts as a Pi, for networks that hold
 *   only Pis); an iPXE client the iPXE script, never the iPXE binary again (that would chainload forever); arm64
 *   UEFI, x64 UEFI and BIOS clients their configured file; others an address.</li>
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

    /** Finished boards by MAC, and by serial suffix (what a Pi sends in option 97, see {@link SerialNumber}). */
    private final Set<MacAddress> finishedMacs = ConcurrentHashMap.newKeySet();
    private final Set<String> finishedSuffixes = ConcurrentHashMap.newKeySet();
    private Map<MacAddress, Inet4Address> reservations = Map.of();
    private String arm64UefiFile = NetbootSetting.BOOT_FILE_UEFI_ARM64.defaultValue().orElseThrow();
    private String x64UefiFile = NetbootSetting.BOOT_FILE_UEFI_X64.defaultValue().orElseThrow();
    private String biosFile = NetbootSetting.BOOT_FILE_BIOS.defaultValue().orElseThrow();
    private String ipxeScript = NetbootSetting.BOOT_FILE_IPXE.defaultValue().orElseThrow();
    boolean piArchitectureZero = NetbootSetting.PI_ARCHITECTURE_ZERO.defaultValue().orElseThrow();

    @PostConstruct
    void load() {
        reservations = parseReservations(config.get(NetbootSetting.RESERVATIONS).orElse(""));
        arm64UefiFile = config.get(NetbootSetting.BOOT_FILE_UEFI_ARM64).orElseThrow();
        x64UefiFile = config.get(NetbootSetting.BOOT_FILE_UEFI_X64).orElseThrow();
        biosFile = config.get(NetbootSetting.BOOT_FILE_BIOS).orElseThrow();
        ipxeScript = config.get(NetbootSetting.BOOT_FILE_IPXE).orElseThrow();
        piArchitectureZero = config.get(NetbootSetting.PI_ARCHITECTURE_ZERO).orElseThrow();
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT d.serial_number, d.mac_address FROM deployment d"
                + " LEFT JOIN device v ON v.id = d.device_id"
                + " WHERE d.status = 'success' AND COALESCE(v.reimage_requested, 0) = 0"
                + " AND d.id = (SELECT MAX(e.id) FROM deployment e WHERE"
                + " (d.serial_number IS NOT NULL AND e.serial_number = d.serial_number)"
                + " OR (d.serial_number IS NULL AND e.mac_address = d.mac_address))").getResultList();
        for (Object[] row : rows) {
            remember(SerialNumber.parse((String) row[0]), MacAddress.parse((String) row[1]));
        }
        LOG.info("netboot policy: " + rows.size() + " finished boards boot from their cards, "
                + reservations.size() + " reservations");
    }

    /** Never null; from memory only. */
    public DhcpDecision decide(DhcpClient client) {
        MacAddress mac = client.macAddress();
        Inet4Address reserved = reservations.get(mac);
        if (client.kind() != ClientKind.OTHER && isFinished(mac, client.board())) {
            // an address (a reservation applies all the same), without the boot options: it boots from its card
            return DhcpDecision.addressOnly(reserved);
        }
        if (client.ipxe()) {
            return DhcpDecision.boot(reserved, new BootOffer(ipxeScript, false));
        }
        if (client.kind().isRaspberryPi() || piArchitectureZero && client.kind() == ClientKind.BIOS) {
            return DhcpDecision.boot(reserved, new BootOffer(null, true));
        }
        String file = switch (client.kind()) {
            case UEFI_ARM64 -> arm64UefiFile;
            case UEFI_X64 -> x64UefiFile;
            case BIOS -> biosFile;
            default -> null;
        };
        return file == null ? DhcpDecision.addressOnly(reserved) : DhcpDecision.boot(reserved, new BootOffer(file, false));
    }

    public boolean isFinished(DhcpClient client) {
        return isFinished(client.macAddress(), client.board());
    }

    private boolean isFinished(MacAddress mac, BoardSerial board) {
        return finishedMacs.contains(mac) || board != null && finishedSuffixes.contains(board.suffix());
    }

    /** A deployment ended well: the board boots from its card from now on; a new run makes it a netboot client. */
    void deploymentChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) DeploymentStateChanged change) {
        if ("success".equals(change.to())) {
            remember(change.serial(), change.mac());
        } else if (change.from() == null) {
            forget(change.serial(), change.mac());
        }
    }

    /** An operator asked for the board to be imaged again: once the flag is stored, boot it into the installer. */
    void reimageRequested(@Observes(during = TransactionPhase.AFTER_SUCCESS) ReimageRequested request) {
        forget(request.serial(), request.mac());
    }

    private void remember(SerialNumber serial, MacAddress mac) {
        if (mac != null) {
            finishedMacs.add(mac);
        }
        if (serial != null) {
            finishedSuffixes.add(serial.suffix());
        }
    }

    private void forget(SerialNumber serial, MacAddress mac) {
        if (mac != null) {
            finishedMacs.remove(mac);
        }
        if (serial != null) {
            finishedSuffixes.remove(serial.suffix());
        }
    }

    /** {@code mac=ip} pairs separated by commas or whitespace. */
    static Map<MacAddress, Inet4Address> parseReservations(String text) {
        Map<MacAddress, Inet4Address> result = new HashMap<>();
        for (String item : text.split("[,\\s]+")) {
            if (item.isBlank()) {
                continue;
            }
            int eq = item.indexOf('=');
            if (eq < 0) {
                throw DomainException.invalid("rpideploy.netboot.reservations",
                        "Reservation '" + item + "' must look like 2c:cf:67:12:34:56=192.168.151.20");
            }
            MacAddress mac = HostnameRules.mac(item.substring(0, eq), "rpideploy.netboot.reservations");
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
