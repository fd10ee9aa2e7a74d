package io.rpideploy.netboot.dhcp;

import io.rpideploy.netboot.api.DhcpMessageType;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.netboot.api.ClientKind;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DhcpCodecTest {

    @Test
    void pi5DiscoverIsRecognisedByOption97WithItsSerial() throws Exception {
        DhcpRequest r = Packets.decodeFixture("pi5-discover.hex");
        assertEquals(DhcpMessageType.DISCOVER, r.type());
        assertEquals("2c:cf:67:12:34:56", r.mac());
        assertEquals(ClientKind.RPI5, r.kind());
        assertEquals("1a2b3c4d", r.piSerial());
        assertEquals(0, r.architecture());
        assertEquals("PXEClient:Arch:00000:UNDI:002001", r.vendorClass());
        assertEquals(0x5a5a0001, r.xid());
        assertEquals("2c:cf:67:12:34:56 RPi5 serial 1a2b3c4d", r.describe());
        assertEquals(ClientKind.RPI5, r.client().kind());
        assertEquals("1a2b3c4d", r.client().piSerial());
    }

    @Test
    void piFourCcInBigEndianWordOrderAlsoCountsAndSerialFollowsThatOrder() {
        byte[] guid = new byte[17];
        System.arraycopy(new byte[]{'4', 'i', 'P', 'R'}, 0, guid, 1, 4);
        System.arraycopy(new byte[]{(byte) 0x9f, (byte) 0xfe, (byte) 0xfd, (byte) 0xef}, 0, guid, 13, 4);
        PiGuid g = PiGuid.parse(guid);
        assertEquals(ClientKind.RPI4, g.kind());
        assertEquals("9ffefdef", g.serial());
    }

    @Test
    void withoutAPiGuidAPxeClientWithARaspberryPiMacIsAPiAndAnyOtherMacIsBios() {
        byte[] b = Packets.fixture("pi5-discover.hex");
        int at = indexOf(b, new byte[]{97, 17, 0, 'R', 'P', 'i', '5'});
        b[at + 3] = 'X'; // spoil the FourCC
        DhcpRequest pi = Packets.decode(b);
        assertEquals(ClientKind.RPI, pi.kind(), "2c:cf:67 is Raspberry Pi Ltd's");
        assertNull(pi.piSerial());
        int mac = 28; // chaddr
        b[mac] = 0x02;
        DhcpRequest other = Packets.decode(b);
        assertEquals(ClientKind.BIOS, other.kind());
        for (String oui : List.of("b8:27:eb", "dc:a6:32", "e4:5f:01", "28:cd:c1", "d8:3a:dd", "2c:cf:67", "88:a2:9e")) {
            DhcpRequest r = Packets.request(DhcpMessageType.DISCOVER, oui + ":01:02:03", null,
                    60, "PXEClient:Arch:00000:UNDI:002001".getBytes(StandardCharsets.US_ASCII), 93, new byte[]{0, 0});
            assertEquals(ClientKind.RPI, r.kind(), oui);
        }
    }

    @Test
    void aPiRunningItsOsIsAnOrdinaryClientDespiteItsMac() {
        DhcpRequest r = Packets.request(DhcpMessageType.DISCOVER, "2c:cf:67:01:02:03", null);
        assertEquals(ClientKind.OTHER, r.kind());
        DhcpRequest uefi = Packets.request(DhcpMessageType.DISCOVER, "2c:cf:67:01:02:03", null,
                93, new byte[]{0, 11});
        assertEquals(ClientKind.UEFI_ARM64, uefi.kind(), "an arm64 UEFI on a Pi boots as UEFI");
    }

    @Test
    void theOlderGuidFormIsTheSerialFourTimes() {
        byte[] guid = new byte[17];
        for (int w = 0; w < 4; w++) {
            System.arraycopy(new byte[]{(byte) 0xef, (byte) 0xfd, (byte) 0xfe, (byte) 0x9f}, 0, guid, 1 + 4 * w, 4);
        }
        DhcpRequest r = Packets.request(DhcpMessageType.DISCOVER, "02:00:00:00:00:01", null, 97, guid,
                93, new byte[]{0, 0});
        assertEquals(ClientKind.RPI, r.kind());
        assertEquals("9ffefdef", r.piSerial(), "words are little-endian, as the FourCC shows");
        assertEquals("9ffefdef", r.client().board().suffix());
        guid[16] = 0; // one word differs: not a Pi GUID
        assertEquals(ClientKind.BIOS, Packets.request(DhcpMessageType.DISCOVER, "02:00:00:00:00:01", null, 97,
                guid, 93, new byte[]{0, 0}).kind());
        assertEquals(ClientKind.BIOS, Packets.request(DhcpMessageType.DISCOVER, "02:00:00:00:00:01", null, 97,
                new byte[17], 93, new byte[]{0, 0}).kind(), "an all-zero GUID says nothing");
    }

    @Test
    void iPxeIsRecognisedByUserClassOrItsOwnOption() {
        assertTrue(Packets.request(DhcpMessageType.DISCOVER, "52:54:00:12:34:56", null, 77,
                "iPXE".getBytes(StandardCharsets.US_ASCII), 93, new byte[]{0, 0}).client().ipxe());
        // RFC 3004 form: a length byte before each class
        assertTrue(Packets.request(DhcpMessageType.DISCOVER, "52:54:00:12:34:56", null, 77,
                new byte[]{4, 'i', 'P', 'X', 'E'}).ipxe());
        assertTrue(Packets.request(DhcpMessageType.DISCOVER, "52:54:00:12:34:56", null, 175,
                new byte[]{0x13, 1, 1}).ipxe());
        DhcpRequest firmware = Packets.request(DhcpMessageType.DISCOVER, "52:54:00:12:34:56", null, 93,
                new byte[]{0, 0});
        assertFalse(firmware.ipxe());
        assertEquals(ClientKind.BIOS, firmware.kind());
    }

    @Test
    void x64UefiAndPlainClients() {
        DhcpRequest x = Packets.decodeFixture("x64-uefi-discover.hex");
        assertEquals(ClientKind.UEFI_X64, x.kind());
        assertEquals(7, x.architecture());
        assertTrue(x.broadcastFlag());
        DhcpRequest p = Packets.decodeFixture("plain-discover.hex");
        assertEquals(ClientKind.OTHER, p.kind());
        assertNull(p.architecture());
        assertEquals("plainbox", p.hostName());
    }

    @Test
    void optionLongerThan127IsReadUnsignedAndKept() {
        DhcpRequest r = Packets.decodeFixture("long-option-discover.hex");
        byte[] v = r.packet().getOptionRaw((byte) 224);
        assertEquals(200, v.length);
        assertEquals((byte) 0xa5, v[199]);
        assertEquals(DhcpMessageType.DISCOVER, r.type());
    }

    @Test
    void malformedPacketsAreRejectedWithTheCheckedException() {
        byte[] good = Packets.fixture("plain-discover.hex");
        assertDropped(Arrays.copyOf(good, 100), "truncated");
        assertDropped(Arrays.copyOf(good, 239), "truncated");
        byte[] cookie = good.clone();
        cookie[236] = 0x64;
        assertDropped(cookie, "magic cookie");
        byte[] reply = good.clone();
        reply[0] = 2;
        assertDropped(reply, "BOOTREQUEST");
        byte[] hlen = good.clone();
        hlen[2] = 16;
        assertDropped(hlen, "Ethernet");
        byte[] big = Arrays.copyOf(good, 1600);
        assertDropped(big, "oversized");
        byte[] longOpt = Packets.fixture("long-option-discover.hex");
        assertDropped(Arrays.copyOf(longOpt, longOpt.length - 60), "overruns");
        byte[] overrun = good.clone();
        overrun[241] = (byte) 0xff; // option 53's length byte: 255
        assertDropped(overrun, "option 53");
        byte[] noType = good.clone();
        noType[240] = 0x7f; // option 53 renamed to an unknown code: no message type left
        assertDropped(noType, "no option 53");
        byte[] badType = good.clone();
        badType[242] = 42;
        assertDropped(badType, "unsupported message type");
    }

    @Test
    void fixtureHexParserIgnoresComments() {
        assertArrayEquals(new byte[]{1, (byte) 0xab}, DhcpCodec.hex("# c\n01 # one\nab\n"));
    }

    private static void assertDropped(byte[] b, String why) {
        DhcpFormatException e = assertThrows(DhcpFormatException.class, () -> DhcpCodec.decode(b, 0, b.length));
        assertTrue(e.getMessage().contains(why), e.getMessage() + " should mention " + why);
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
