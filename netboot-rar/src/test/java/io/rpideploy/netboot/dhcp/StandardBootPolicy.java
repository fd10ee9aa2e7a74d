package io.rpideploy.netboot.dhcp;

import io.rpideploy.netboot.policy.BootPolicy;
import io.rpideploy.netboot.api.DhcpClient;
import io.rpideploy.netboot.api.DhcpDecision;
import io.rpideploy.netboot.api.DhcpDecision.BootOffer;
import java.net.Inet4Address;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A test fixture: the plan's dnsmasq rules as a policy (the application has its own, NetbootPolicy): a Raspberry Pi (option 97 FourCC) gets the Pi PXE menu and no file; UEFI
 * arm64 (option 93 = 11) and x64 (7, 9) and BIOS (0, not a Pi) get their boot file; anything else an address only.
 * Reservations (MAC to address) apply to every client. A null file turns that client kind into address-only.
 */
public final class StandardBootPolicy implements BootPolicy {

    private final String arm64UefiFile;
    private final String x64UefiFile;
    private final String biosFile;
    private final Map<String, Inet4Address> reservations;

    public StandardBootPolicy(String arm64UefiFile, String x64UefiFile, String biosFile,
                              Map<String, Inet4Address> reservations) {
        this.arm64UefiFile = arm64UefiFile;
        this.x64UefiFile = x64UefiFile;
        this.biosFile = biosFile;
        this.reservations = reservations == null ? Map.of() : reservations.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(e -> e.getKey().toLowerCase(Locale.ROOT).replace('-', ':'),
                        Map.Entry::getValue));
    }

    @Override
    public DhcpDecision decide(DhcpClient client) {
        Inet4Address reserved = reservations.get(client.mac());
        String file = switch (client.kind()) {
            case RPI4, RPI5, RPI -> null;
            case UEFI_ARM64 -> arm64UefiFile;
            case UEFI_X64 -> x64UefiFile;
            case BIOS -> biosFile;
            case OTHER -> null;
        };
        if (client.kind().isRaspberryPi()) {
            return DhcpDecision.boot(reserved, new BootOffer(null, true));
        }
        return file == null ? DhcpDecision.addressOnly(reserved) : DhcpDecision.boot(reserved, new BootOffer(file, false));
    }
}
