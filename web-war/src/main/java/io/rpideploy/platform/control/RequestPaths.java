package io.rpideploy.platform.control;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The one spelling of a request path that every decision (which listener, which login) is taken on. The container
 * decodes and normalises a path before it routes it ({@code /images/%2e%2e/venues/} is served as {@code /venues/}),
 * so a check on the raw spelling and the route can disagree: any path that is not already in its one canonical
 * spelling is refused outright instead of being interpreted (RFC 3986 §6.2.2: percent-decoding of unreserved
 * characters and dot-segment removal are exactly the normalisations an attacker uses).
 */
public final class RequestPaths {

    private RequestPaths() {
    }

    /**
     * The decoded path inside the application, or empty when the raw spelling is not canonical: a dot segment
     * ({@code .}, {@code ..}, raw or encoded), an empty segment ({@code //}), a path parameter ({@code ;}), a
     * backslash, an encoded slash, backslash, percent sign or dot, a control character, or bytes that are not
     * shortest-form UTF-8 (overlong encodings of {@code .} and {@code /}).
     */
    public static Optional<String> canonical(String rawUri, String contextPath) {
        if (rawUri == null || rawUri.isEmpty() || rawUri.charAt(0) != '/') {
            return Optional.empty();
        }
        String context = contextPath == null ? "" : contextPath;
        if (!rawUri.startsWith(context)) {
            return Optional.empty();
        }
        String raw = rawUri.substring(context.length());
        if (raw.isEmpty()) {
            return Optional.of("/");
        }
        if (raw.charAt(0) != '/') {
            return Optional.empty();
        }
        Optional<String> decoded = decode(raw);
        if (decoded.isEmpty()) {
            return Optional.empty();
        }
        String path = decoded.get();
        if (path.indexOf(';') >= 0 || path.indexOf('\\') >= 0 || path.contains("//")) {
            return Optional.empty();
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return Optional.empty();
            }
        }
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return Optional.empty();
            }
        }
        return Optional.of(path);
    }

    /** Strict percent-decoding: characters that must never be encoded in a path we serve are refused. */
    private static Optional<String> decode(String raw) {
        ByteBuffer bytes = ByteBuffer.allocate(raw.length() * 3);
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return Optional.empty();
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return Optional.empty();
                }
                int b = hi << 4 | lo;
                if (b == '.' || b == '/' || b == '\\' || b == '%' || b == ';') {
                    return Optional.empty();
                }
                bytes.put((byte) b);
                i += 2;
            } else if (c > 0x7e) {
                return Optional.empty(); // a raw request line is ASCII; anything else is a client's or an attacker's
            } else {
                bytes.put((byte) c);
            }
        }
        bytes.flip();
        try {
            // Java's decoder rejects overlong (non-shortest) forms such as %c0%ae for '.'
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString());
        } catch (CharacterCodingException malformed) {
            return Optional.empty();
        }
    }
}
