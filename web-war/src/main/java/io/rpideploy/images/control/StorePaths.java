package io.rpideploy.images.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Turns a request path into a file that is certainly inside one root, or nothing. Works on the raw (still
 * percent-encoded) path: every segment is decoded on its own and must then be a plain name, so {@code ..},
 * {@code %2e%2e}, encoded slashes, backslashes, NUL, absolute paths and hidden names ({@code .incoming}) never
 * reach the file system. The caller checks {@link #staysInside} once the file exists (symbolic links).
 */
public final class StorePaths {

    static final int MAX_SEGMENTS = 16;
    static final int MAX_RAW_LENGTH = 1024;

    private StorePaths() {
    }

    /** A single name directly in {@code root} (the image store). */
    public static Optional<Path> file(Path root, String rawName) {
        return resolve(root, rawName, 1);
    }

    /** A relative path of up to {@value #MAX_SEGMENTS} segments below {@code root} (boot files). */
    public static Optional<Path> nested(Path root, String rawPath) {
        return resolve(root, rawPath, MAX_SEGMENTS);
    }

    private static Optional<Path> resolve(Path root, String raw, int maxSegments) {
        if (raw == null || raw.isEmpty() || raw.length() > MAX_RAW_LENGTH) {
            return Optional.empty();
        }
        String[] rawSegments = raw.split("/", -1);
        if (rawSegments.length > maxSegments) {
            return Optional.empty();
        }
        Path base = root.toAbsolutePath().normalize();
        Path path = base;
        for (String rawSegment : rawSegments) {
            Optional<String> segment = decode(rawSegment).filter(StorePaths::plainName);
            if (segment.isEmpty()) {
                return Optional.empty();
            }
            path = path.resolve(segment.get());
        }
        path = path.normalize();
        // belt and braces: plain names cannot leave the root, but the check is what guarantees it
        return path.startsWith(base) && !path.equals(base) ? Optional.of(path) : Optional.empty();
    }

    /** A name that means exactly one directory entry: no separators, no dot names, no control characters. */
    static boolean plainName(String name) {
        if (name.isEmpty() || name.charAt(0) == '.' || name.length() > 255) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '/' || c == '\\' || c == ':') {
                return false;
            }
        }
        return true;
    }

    /** Strict percent-decoding (RFC 3986 section 2.1) as UTF-8; anything malformed is empty. */
    static Optional<String> decode(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return Optional.empty();
                }
                int high = Character.digit(raw.charAt(i + 1), 16);
                int low = Character.digit(raw.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    return Optional.empty();
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else if (c > 0x7f) {
                return Optional.empty(); // a raw request line carries only ASCII
            } else {
                bytes.write(c);
            }
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString());
        } catch (CharacterCodingException malformed) {
            return Optional.empty();
        }
    }

    /** Whether an existing file, with every symbolic link followed, is still inside {@code root}. */
    public static boolean staysInside(Path root, Path file) {
        try {
            return file.toRealPath().startsWith(root.toRealPath()) && Files.isRegularFile(file);
        } catch (IOException missing) {
            return false;
        }
    }

    /** A regular file directly in {@code dir}, not a link (the import folder). */
    public static boolean plainFileIn(Path dir, Path file) {
        return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && staysInside(dir, file);
    }
}
