package io.rpideploy.netboot.dhcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.netboot.policy.ClientKind;
import java.util.Arrays;
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
    void arch0WithoutPiGuidIsBiosAndOption60AloneDoesNotMakeAPi() {
        byte[] b = Packets.fixture("pi5-discover.hex");
        int at = indexOf(b, new byte[]{97, 17, 0, 'R', 'P', 'i', '5'});
        b[at + 3] = 'X'; // spoil the FourCC
        DhcpRequest r = Packets.decode(b);
        assertEquals(ClientKind.BIOS, r.kind());
        assertNull(r.piSerial());
        // the Pi OUI 2c:cf:67 and the PXEClient vendor class do not make it a Pi either
        assertEquals("2c:cf:67:12:34:56", r.mac());
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
