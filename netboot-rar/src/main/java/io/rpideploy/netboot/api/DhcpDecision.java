package io.rpideploy.netboot.api;

import java.net.Inet4Address;

/**
 * The application's answer for one client.
 *
 * @param answer   false: stay silent (the engine sends nothing at all)
 * @param reserved a fixed address for this client (a static reservation), or null for one from the pool
 * @param boot     the network-boot part of the reply, or null for an address only (e.g. a board already deployed:
 *                 without boot options its bootloader goes on to the next boot mode)
 */
public record DhcpDecision(boolean answer, Inet4Address reserved, BootOffer boot) {

    public static DhcpDecision ignore() {
        return new DhcpDecision(false, null, null);
    }

    public static DhcpDecision addressOnly(Inet4Address reserved) {
        return new DhcpDecision(true, reserved, null);
    }

    public static DhcpDecision boot(Inet4Address reserved, BootOffer boot) {
        return new DhcpDecision(true, reserved, boot);
    }

    /**
     * What a network-boot client is told. The TFTP server is always the engine's own address ({@code siaddr} and
     * option 66).
     *
     * @param bootFile option 67 / {@code file}, or null (a Pi needs none)
     * @param piMenu   add the Raspberry Pi PXE menu: option 43 "Raspberry Pi Boot" and option 60 {@code PXEClient}
     */
    public record BootOffer(String bootFile, boolean piMenu) {
    }
}
