package io.rpideploy.netboot.tftp;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The TFTP packets (RFC 1350 section 5, RFC 2347 OACK) and their codec. The decoder bounds every read and throws
 * one checked exception; the encoders write into a caller's buffer so the send path allocates nothing.
 */
public sealed interface TftpPacket {

    int RRQ = 1;
    int WRQ = 2;
    int DATA = 3;
    int ACK = 4;
    int ERROR = 5;
    int OACK = 6;

    /** RFC 1350 does not bound it; 255 bytes is what every real server accepts and what we accept. */
    int MAX_FILENAME_BYTES = 255;
    /** Longer option names or values are not options anybody sends: the packet is rejected. */
    int MAX_OPTION_BYTES = 64;

    /** RRQ or WRQ (RFC 1350 section 5), with RFC 2347 options, names lower-cased, first occurrence kept. */
    record Request(boolean write, String filename, String mode, Map<String, String> options) implements TftpPacket {
        public Request {
            options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
        }
    }

    /** DATA: only its header is decoded (the server never receives data it would use). */
    record Data(int block, int length) implements TftpPacket {
    }

    record Ack(int block) implements TftpPacket {
    }

    record Error(int code, String message) implements TftpPacket {
    }

    record OptionAck(Map<String, String> options) implements TftpPacket {
    }

    /** Decodes the remaining bytes of {@code packet} (its position is advanced). */
    static TftpPacket decode(ByteBuffer packet) throws MalformedPacketException {
        if (packet.remaining() < 2) {
            throw new MalformedPacketException("truncated: " + packet.remaining() + " bytes");
        }
        int opcode = packet.getShort() & 0xFFFF;
        switch (opcode) {
            case RRQ, WRQ -> {
                String filename = string(packet, "filename", MAX_FILENAME_BYTES);
                if (filename.isEmpty()) {
                    throw new MalformedPacketException("empty filename");
                }
                String mode = string(packet, "mode", 16).toLowerCase(Locale.ROOT);
                Map<String, String> options = new LinkedHashMap<>();
                // RFC 2347 section 2: name/value pairs follow the mode, each NUL-terminated, names case-insensitive
                while (packet.hasRemaining()) {
                    String name = string(packet, "option name", MAX_OPTION_BYTES).toLowerCase(Locale.ROOT);
                    String value = string(packet, "option value", MAX_OPTION_BYTES);
                    options.putIfAbsent(name, value);
                }
                return new Request(opcode == WRQ, filename, mode, options);
            }
            case DATA -> {
                int block = shortField(packet, "block");
                return new Data(block, packet.remaining());
            }
            case ACK -> {
                int block = shortField(packet, "block");
                if (packet.hasRemaining()) {
                    throw new MalformedPacketException("ACK longer than 4 bytes");
                }
                return new Ack(block);
            }
            case ERROR -> {
                int code = shortField(packet, "error code");
                // lenient: a missing terminating NUL in the message is common and harmless
                byte[] rest = new byte[Math.min(packet.remaining(), 512)];
                packet.get(rest);
                int end = 0;
                while (end < rest.length && rest[end] != 0) {
                    end++;
                }
                return new Error(code, new String(rest, 0, end, StandardCharsets.US_ASCII));
            }
            case OACK -> {
                Map<String, String> options = new LinkedHashMap<>();
                while (packet.hasRemaining()) {
                    options.putIfAbsent(string(packet, "option name", MAX_OPTION_BYTES).toLowerCase(Locale.ROOT),
                            string(packet, "option value", MAX_OPTION_BYTES));
                }
                return new OptionAck(options);
            }
            default -> throw new MalformedPacketException("unknown opcode " + opcode);
        }
    }

    private static int shortField(ByteBuffer packet, String what) throws MalformedPacketException {
        if (packet.remaining() < 2) {
            throw new MalformedPacketException("truncated " + what);
        }
        return packet.getShort() & 0xFFFF;
    }

    /** A NUL-terminated UTF-8 string of at most {@code max} bytes. */
    private static String string(ByteBuffer packet, String what, int max) throws MalformedPacketException {
        int start = packet.position();
        int limit = packet.limit();
        int end = start;
        while (end < limit && packet.get(end) != 0) {
            if (end - start >= max) {
                throw new MalformedPacketException(what + " longer than " + max + " bytes");
            }
            end++;
        }
        if (end == limit) {
            throw new MalformedPacketException(what + " not NUL-terminated");
        }
        ByteBuffer bytes = packet.duplicate().position(start).limit(end);
        packet.position(end + 1);
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new MalformedPacketException(what + " is not UTF-8");
        }
    }

    /** RFC 1350 section 5: DATA header; the caller appends up to blksize bytes. */
    static ByteBuffer putDataHeader(ByteBuffer buffer, int block) {
        return buffer.clear().putShort((short) DATA).putShort((short) block);
    }

    static ByteBuffer encodeAck(ByteBuffer buffer, int block) {
        return buffer.clear().putShort((short) ACK).putShort((short) block).flip();
    }

    static ByteBuffer encodeError(ByteBuffer buffer, int code, String message) {
        buffer.clear().putShort((short) ERROR).putShort((short) code);
        byte[] text = message.getBytes(StandardCharsets.US_ASCII);
        buffer.put(text, 0, Math.min(text.length, 400)).put((byte) 0);
        return buffer.flip();
    }

    /** RFC 2347 section 3: the OACK lists only the options the server accepts, with its values. */
    static ByteBuffer encodeOptionAck(ByteBuffer buffer, Map<String, String> options) {
        buffer.clear().putShort((short) OACK);
        options.forEach((name, value) -> {
            putString(buffer, name);
            putString(buffer, value);
        });
        return buffer.flip();
    }

    static ByteBuffer encodeRequest(ByteBuffer buffer, boolean write, String filename, String mode,
                                    Map<String, String> options) {
        buffer.clear().putShort((short) (write ? WRQ : RRQ));
        putString(buffer, filename);
        putString(buffer, mode);
        options.forEach((name, value) -> {
            putString(buffer, name);
            putString(buffer, value);
        });
        return buffer.flip();
    }

    private static void putString(ByteBuffer buffer, String text) {
        buffer.put(text.getBytes(StandardCharsets.UTF_8)).put((byte) 0);
    }
}
