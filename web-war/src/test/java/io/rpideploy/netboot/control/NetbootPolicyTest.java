package io.rpideploy.netboot.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.deployments.control.DeploymentStateChanged;
import io.rpideploy.netboot.api.ClientKind;
import io.rpideploy.netboot.api.DhcpClient;
import io.rpideploy.netboot.api.DhcpDecision;
import io.rpideploy.netboot.api.MacAddress;
import io.rpideploy.netboot.api.SerialNumber;
import io.rpideploy.platform.control.DomainException;
import java.net.Inet4Address;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NetbootPolicyTest {

    private final NetbootPolicy policy = new NetbootPolicy();

    @Test
    void aPiGetsThePiMenuAndNoFileOthersTheirBootFilePlainClientsAnAddress() {
        DhcpDecision pi = policy.decide(client("2c:cf:67:00:00:01", ClientKind.RPI5, "1a2b3c4d"));
        assertTrue(pi.answer());
        assertTrue(pi.boot().piMenu());
        assertNull(pi.boot().bootFile());
        DhcpDecision plain = policy.decide(client("00:11:22:33:44:55", ClientKind.OTHER, null));
        assertTrue(plain.answer());
        assertNull(plain.boot(), "an office laptop gets no boot options");
    }

    @Test
    void aPiKnownOnlyByItsMacIsAPiAndWithTheSettingSoIsEveryArchZeroClient() {
        assertTrue(policy.decide(client("2c:cf:67:00:00:09", ClientKind.RPI, null)).boot().piMenu());
        DhcpClient bios = new DhcpClient("02:00:00:00:00:09", ClientKind.BIOS, null, 0,
                "PXEClient:Arch:00000:UNDI:002001", null, null, false);
        assertEquals("undionly.kpxe", policy.decide(bios).boot().bootFile());
        assertFalse(policy.decide(bios).boot().piMenu());
        policy.piArchitectureZero = true;
        assertTrue(policy.decide(bios).boot().piMenu(), "the plan's dnsmasq: every arch-0 PXE client is a Pi");
        assertNull(policy.decide(bios).boot().bootFile());
    }

    @Test
    void iPxeGetsTheScriptNeverTheBinaryAgain() {
        for (ClientKind kind : new ClientKind[] {ClientKind.BIOS, ClientKind.UEFI_X64, ClientKind.UEFI_ARM64}) {
            DhcpClient firmware = new DhcpClient("52:54:00:12:34:56", kind, null, 0, "PXEClient", null, null, false);
            DhcpClient ipxe = new DhcpClient("52:54:00:12:34:56", kind, null, 0, "PXEClient", null, null, true);
            assertTrue(policy.decide(firmware).boot().bootFile().matches("undionly.kpxe|ipxe.efi|grubnetaa64.efi"));
            assertEquals("boot.ipxe", policy.decide(ipxe).boot().bootFile(), kind.name());
        }
    }

    @Test
    void netbootOnceAFinishedBoardBootsFromItsCardUntilAReimageRequest() {
        DhcpClient board = client("2c:cf:67:00:00:02", ClientKind.RPI5, "aabbccdd");
        policy.deploymentChanged(change("customizing", "success", "10000000aabbccdd", null));
        assertNull(policy.decide(board).boot(), "known by the serial in option 97");
        assertTrue(policy.decide(board).answer(), "still gets an address");

        policy.reimageRequested(new ReimageRequested(SerialNumber.of("10000000aabbccdd"), null, "KXP2-TEST-001"));
        assertTrue(policy.decide(board).boot().piMenu(), "re-imaging sends it into the installer again");

        policy.deploymentChanged(change("customizing", "success", null, "2c:cf:67:00:00:02"));
        assertNull(policy.decide(board).boot(), "known by MAC too");
        policy.deploymentChanged(change(null, "started", null, "2c:cf:67:00:00:02"));
        assertFalse(policy.isFinished(board), "a new run makes it a netboot client again");
    }

    @Test
    void reservationsAreParsedAndRefusedWithTheSettingName() throws Exception {
        Map<MacAddress, Inet4Address> r = NetbootPolicy.parseReservations("2C-CF-67-00-00-01=192.168.151.20, "
                + "2c:cf:67:00:00:02=192.168.151.21");
        assertEquals("192.168.151.20", r.get(MacAddress.of("2c:cf:67:00:00:01")).getHostAddress());
        assertEquals(2, r.size());
        DomainException bad = assertThrows(DomainException.class,
                () -> NetbootPolicy.parseReservations("2c:cf:67:00:00:01=192.168.151.300"));
        assertEquals("rpideploy.netboot.reservations", bad.field());
        assertThrows(DomainException.class, () -> NetbootPolicy.parseReservations("2c:cf:67:00:00:01"));
        assertThrows(DomainException.class, () -> NetbootPolicy.parseReservations("nomac=192.168.151.2"));
    }

    @Test
    void aBoardIsKnownByTheSuffixOfTheSerialItReportedAndOnlyByThat() {
        policy.deploymentChanged(change("customizing", "success", "10000000AABBCCDD", null));
        assertTrue(policy.isFinished(client("2c:cf:67:00:00:03", ClientKind.RPI5, "aabbccdd")));
        assertFalse(policy.isFinished(client("2c:cf:67:00:00:03", ClientKind.RPI5, "aabbccde")));
        assertFalse(policy.isFinished(client("2c:cf:67:00:00:03", ClientKind.RPI5, null)));
    }

    private static DhcpClient client(String mac, ClientKind kind, String serial) {
        return new DhcpClient(mac, kind, serial, kind == ClientKind.RPI5 ? 0 : null, null, null, null, false);
    }

    private static DeploymentStateChanged change(String from, String to, String serial, String mac) {
        return new DeploymentStateChanged(1, from, to, "KXP2-TEST-001", serial, mac, null, null, null, null, null,
                null, Instant.now());
    }
}
