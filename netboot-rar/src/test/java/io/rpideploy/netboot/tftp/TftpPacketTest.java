package io.rpideploy.netboot.tftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TftpPacketTest {

    /** Opcode then NUL-terminated strings, as a client puts them on the wire. */
    static byte[] packet(int opcode, String... strings) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(opcode >> 8);
        out.write(opcode);
        for (String s : strings) {
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return out.toByteArray();
    }

    static TftpPacket decode(byte[] bytes) throws MalformedPacketException {
        return TftpPacket.decode(ByteBuffer.wrap(bytes));
    }

    @Test
    void piReadRequestWithOptions() throws Exception {
        TftpPacket.Request rrq = (TftpPacket.Request) decode(
                packet(1, "1a2b3c4d/start4.elf", "OCTET", "tsize", "0", "BLKSIZE", "1468", "blksize", "9000"));
        assertFalse(rrq.write());
        assertEquals("1a2b3c4d/start4.elf", rrq.filename());
        assertEquals("octet", rrq.mode());
        assertEquals(List.of("tsize", "blksize"), List.copyOf(rrq.options().keySet()));
        assertEquals("1468", rrq.options().get("blksize"), "first occurrence wins, names case-insensitive");
        assertEquals("0", rrq.options().get("tsize"));
    }

    @Test
    void writeRequestWithoutOptions() throws Exception {
        TftpPacket.Request wrq = (TftpPacket.Request) decode(packet(2, "up.bin", "netascii"));
        assertTrue(wrq.write());
        assertEquals("netascii", wrq.mode());
        assertTrue(wrq.options().isEmpty());
    }

    @Test
    void ackErrorAndData() throws Exception {
        assertEquals(new TftpPacket.Ack(65535), decode(new byte[] {0, 4, (byte) 0xFF, (byte) 0xFF}));
        TftpPacket.Error error = (TftpPacket.Error) decode(new byte[] {0, 5, 0, 0, 'E', 'a', 'r', 'l', 'y', 0});
        assertEquals(0, error.code());
        assertEquals("Early", error.message());
        // a missing NUL at the end of an error message is tolerated
        assertEquals("x", ((TftpPacket.Error) decode(new byte[] {0, 5, 0, 8, 'x'})).message());
        assertEquals(new TftpPacket.Data(7, 3), decode(new byte[] {0, 3, 0, 7, 1, 2, 3}));
    }

    @Test
    void malformedPacketsAreRejected() {
        byte[] longName = packet(1, "a".repeat(256), "octet");
        byte[] badUtf8 = {0, 1, (byte) 0xC3, (byte) 0x28, 0, 'o', 'c', 't', 'e', 't', 0};
        Map<String, byte[]> cases = new LinkedHashMap<>();
        cases.put("empty", new byte[0]);
        cases.put("one byte", new byte[] {0});
        cases.put("unknown opcode", new byte[] {0, 9, 0, 0});
        cases.put("opcode zero", new byte[] {0, 0});
        cases.put("filename without NUL", new byte[] {0, 1, 'a', 'b'});
        cases.put("no mode", new byte[] {0, 1, 'a', 0});
        cases.put("mode without NUL", new byte[] {0, 1, 'a', 0, 'o', 'c'});
        cases.put("empty filename", packet(1, "", "octet"));
        cases.put("filename over 255 bytes", longName);
        cases.put("option without value", packet(1, "f", "octet", "blksize"));
        cases.put("option value without NUL", new byte[] {0, 1, 'f', 0, 'o', 0, 'b', 0, '1'});
        cases.put("truncated ack", new byte[] {0, 4, 0});
        cases.put("ack with trailing bytes", new byte[] {0, 4, 0, 1, 9});
        cases.put("truncated data", new byte[] {0, 3, 0});
        cases.put("truncated error", new byte[] {0, 5, 1});
        cases.put("invalid UTF-8 name", badUtf8);
        cases.put("garbage", new byte[] {(byte) 0xDE, (byte) 0xAD, (byte) 0xBE, (byte) 0xEF, 1, 2, 3});
        cases.forEach((name, bytes) -> assertThrows(MalformedPacketException.class, () -> decode(bytes), name));
    }

    @Test
    void filenameOf255BytesIsAccepted() throws Exception {
        TftpPacket.Request rrq = (TftpPacket.Request) decode(packet(1, "b".repeat(255), "octet"));
        assertEquals(255, rrq.filename().length());
    }

    @Test
    void encodersRoundTrip() throws Exception {
        ByteBuffer buffer = ByteBuffer.allocate(600);
        assertEquals(new TftpPacket.Ack(3), TftpPacket.decode(TftpPacket.encodeAck(buffer, 3)));
        TftpPacket.Error error = (TftpPacket.Error) TftpPacket.decode(
                TftpPacket.encodeError(buffer, 2, "access violation"));
        assertEquals(2, error.code());
        assertEquals("access violation", error.message());
        Map<String, String> options = new LinkedHashMap<>();
        options.put("blksize", "1468");
        options.put("tsize", "123");
        TftpPacket.OptionAck oack = assertInstanceOf(TftpPacket.OptionAck.class,
                TftpPacket.decode(TftpPacket.encodeOptionAck(buffer, options)));
        assertEquals(options, oack.options());
        TftpPacket.Request rrq = (TftpPacket.Request) TftpPacket.decode(
                TftpPacket.encodeRequest(buffer, false, "x/y", "octet", Map.of("windowsize", "4")));
        assertEquals("x/y", rrq.filename());
        assertEquals("4", rrq.options().get("windowsize"));
        ByteBuffer data = TftpPacket.putDataHeader(buffer, 65535);
        assertEquals(4, data.position());
        assertEquals(3, buffer.getShort(0));
        assertEquals((short) 0xFFFF, buffer.getShort(2));
    }
}
