package io.rpideploy.netboot.tftp;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.io.IOException;
import java.util.regex.Pattern;

/** The confinement rules for requested names (the engine and {@link BootTree}) and served paths (the engine). */
final class RequestNames {

    /** A Pi 5 asks {@code <serial>/<file>}: the low 32 bits of its serial, 8 lower-case hex digits. */
    static final Pattern SERIAL = Pattern.compile("[0-9a-f]{8}");

    private RequestNames() {
    }

    /**
     * Why a requested name may not be served, or null when it may be looked up: no NUL, no control characters,
     * no backslash, not absolute, no {@code ..} segment.
     */
    static String unsafe(String name) {
        if (name == null || name.isEmpty()) {
            return "empty name";
        }
        if (name.startsWith("/")) {
            return "absolute path";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == 0) {
                return "NUL in name";
            }
            if (c < 0x20 || c == 0x7f) {
                return "control character in name";
            }
            if (c == '\\') {
                return "backslash in name";
            }
        }
        for (String segment : name.split("/", -1)) {
            if (segment.equals("..")) {
                return "'..' in name";
            }
        }
        return null;
    }

    /** A served file: its real path and its attributes ({@code lstat} of the real path). */
    record Confined(Path real, BasicFileAttributes attributes) {
    }

    /**
     * The real path of {@code file} with its attributes when it is a regular file whose real path (links followed)
     * lies under {@code realRoot}, else null. A file directly in the root and not a link itself costs one
     * {@code lstat}: its real path is then its own path; anything else one {@code realpath} and one {@code lstat}.
     *
     * @param realRoot the root's real path (no links in it)
     */
    static Confined confinedReal(Path file, Path realRoot) {
        try {
            Path absolute = file.toAbsolutePath().normalize();
            if (realRoot.equals(absolute.getParent())) {
                BasicFileAttributes attributes = Files.readAttributes(absolute, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (!attributes.isSymbolicLink()) {
                    return attributes.isRegularFile() ? new Confined(absolute, attributes) : null;
                }
            }
            Path real = file.toRealPath();
            if (!real.startsWith(realRoot)) {
                return null;
            }
            BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            return attributes.isRegularFile() ? new Confined(real, attributes) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
