package io.rpideploy.netboot.tftp;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.io.IOException;
import java.util.regex.Pattern;

/** The confinement rules for requested names and served paths, shared by the engine and {@link BootTree}. */
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

    /** True when {@code file} is a regular file whose real path (links followed) lies under {@code root}'s. */
    static boolean confined(Path file, Path root) {
        try {
            return confinedReal(file, root.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    /** As {@link #confined}, with the root's real path already resolved (the server resolves its roots once). */
    static boolean confinedReal(Path file, Path realRoot) {
        try {
            Path real = file.toRealPath();
            return real.startsWith(realRoot) && Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return false;
        }
    }
}
