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
     * The name within the boot tree: leading slashes dropped, as tftpd-hpa's {@code -s} and dnsmasq's
     * {@code tftp-root} treat them (UEFI's network GRUB asks {@code /grub/grub.cfg}); the tree is the root.
     */
    static String inTree(String name) {
        int i = 0;
        while (name != null && i < name.length() && name.charAt(i) == '/') {
            i++;
        }
        return name == null ? null : name.substring(i);
    }

    /**
     * Why a requested name may not be served, or null when it may be looked up: no NUL, no control characters,
     * no backslash, not absolute, no {@code ..} segment, no hidden ({@code .name}) segment.
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
            if (segment.startsWith(".")) {
                // hidden files (.git, editor swap files) are not boot files: refused as over HTTP
                return "hidden name";
            }
        }
        return null;
    }

    /** What a path under a root is, for serving it. */
    sealed interface Lookup permits Absent, Confined, Outside {
    }

    /** Nothing to serve there: missing, a dangling link, or a directory (a link to one included). */
    record Absent() implements Lookup {
    }

    /** A served file: its real path and its attributes ({@code lstat} of the real path). */
    record Confined(Path real, BasicFileAttributes attributes) implements Lookup {
    }

    /** Something that must not be served: its real path lies outside the root, or it is not a regular file. */
    record Outside() implements Lookup {
    }

    /**
     * Where {@code file} leads under {@code realRoot}, links followed. A file directly in the root and not a link
     * itself costs one {@code lstat}: its real path is then its own path; anything else one {@code realpath} and one
     * {@code lstat}.
     *
     * @param realRoot the root's real path (no links in it)
     */
    static Lookup lookup(Path file, Path realRoot) {
        try {
            Path absolute = file.toAbsolutePath().normalize();
            Path real = absolute;
            BasicFileAttributes attributes = null;
            if (realRoot.equals(absolute.getParent())) {
                attributes = Files.readAttributes(absolute, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            }
            if (attributes == null || attributes.isSymbolicLink()) {
                real = file.toRealPath();
                attributes = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            }
            if (attributes.isDirectory()) {
                return new Absent();
            }
            if (!real.startsWith(realRoot) || !attributes.isRegularFile()) {
                return new Outside();
            }
            return new Confined(real, attributes);
        } catch (IOException missing) {
            return new Absent();
        }
    }

    /** The served file when {@code file} is a regular file whose real path lies under {@code realRoot}, else null. */
    static Confined confinedReal(Path file, Path realRoot) {
        return lookup(file, realRoot) instanceof Confined confined ? confined : null;
    }
}
