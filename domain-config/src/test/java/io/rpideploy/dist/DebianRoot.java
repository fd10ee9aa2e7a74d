package io.rpideploy.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A clean Debian 12 root for the package test: {@code debootstrap --variant=minbase bookworm} from the mirror the
 * machine's apt uses, made once into {@code target/debian12/base} and copied for each run, with /proc, /sys and
 * /dev mounted and apt's lists and downloaded packages kept in {@code target/debian12/} across runs. {@link #close}
 * stops every process rooted in it and unmounts everything, whatever happened before.
 */
final class DebianRoot implements AutoCloseable {

    private static final String SUITE = "bookworm";
    private static final String FALLBACK_MIRROR = "http://deb.debian.org/debian";

    final Path root;
    private final Deque<Path> mounts = new ArrayDeque<>();

    private DebianRoot(Path root) {
        this.root = root;
    }

    /** A fresh copy of the cached base (made first if missing) under {@code work}, mounted and ready for apt. */
    static DebianRoot create(Path work) throws IOException {
        return mounted(base(work), work.resolve("root"), work);
    }

    /**
     * The cached base with {@code packages} installed by apt, made once into {@code work/name} (again when the
     * list changes): installing systemd and a Java runtime takes minutes, copying the result seconds.
     */
    static Path layer(Path work, String name, List<String> packages) throws IOException {
        Path layer = work.resolve(name);
        String key = String.join(" ", packages) + "\n";
        Path complete = layer.resolve(".complete");
        if (Files.exists(complete) && Files.readString(complete).equals(key)) {
            return layer;
        }
        Path partial = work.resolve(name + "-partial");
        try (DebianRoot debian = mounted(base(work), partial, work)) {
            debian.must(300, "apt-get", "-q", "update");
            List<String> install = new ArrayList<>(List.of("apt-get", "-q", "-y", "--no-install-recommends",
                    "install"));
            install.addAll(packages);
            debian.must(1800, install.toArray(String[]::new));
        }
        Files.writeString(partial.resolve(".complete"), key);
        requireUnmounted(layer);
        Cmd.must(300, "rm", "-rf", "--one-file-system", layer.toString());
        Files.move(partial, layer);
        return layer;
    }

    /** A plain copy of a cached root, nothing mounted: for systemd-nspawn, which mounts /proc, /sys, /dev itself. */
    static Path copy(Path from, Path to) {
        requireUnmounted(to);
        Cmd.must(300, "rm", "-rf", "--one-file-system", to.toString());
        Cmd.must(300, "cp", "-a", from.toString(), to.toString());
        return to;
    }

    /** The newest package the build made in {@code target}. */
    static Path newestDeb(Path target) throws IOException {
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(f -> f.getFileName().toString().matches("rpi-deploy_.*_all\\.deb"))
                    .max(java.util.Comparator.comparing(f -> f.toFile().lastModified()))
                    .orElseThrow(() -> new AssertionError("no rpi-deploy_*_all.deb in " + target
                            + ": build the package first (mvn package)"));
        }
    }

    /** {@code debootstrap --variant=minbase}, once. */
    private static Path base(Path work) throws IOException {
        Path base = work.resolve("base");
        if (!Files.exists(base.resolve(".complete"))) {
            Path partial = work.resolve("base-partial");
            requireUnmounted(partial);
            Cmd.run(120, "rm", "-rf", "--one-file-system", partial.toString());
            String mirror = mirror();
            Cmd.must(900, "debootstrap", "--variant=minbase", SUITE, partial.toString(), mirror);
            Files.writeString(partial.resolve(".complete"), mirror + "\n");
            requireUnmounted(base);
            Cmd.run(120, "rm", "-rf", "--one-file-system", base.toString());
            Files.move(partial, base);
        }
        return base;
    }

    private static DebianRoot mounted(Path base, Path root, Path work) throws IOException {
        requireUnmounted(root);
        Cmd.must(300, "rm", "-rf", "--one-file-system", root.toString());
        Cmd.must(300, "cp", "-a", base.toString(), root.toString());
        DebianRoot debian = new DebianRoot(root);
        try {
            // the root a mount point of its own, as in a container or VM: the JDK finds a path's file system
            // (FileStore: the server's image store check) in /proc/self/mounts, which lists "/" only then
            debian.mount("root", ".", "--bind", root.toString());
            debian.mount("proc", "proc", "-t", "proc", "proc");
            debian.mount("sys", "sys", "-t", "sysfs", "sysfs");
            debian.mount("dev", "dev", "--bind", "/dev");
            debian.mount("devpts", "dev/pts", "--bind", "/dev/pts"); // apt's terminal log
            // apt's lists and the packages it downloaded survive the root: a rerun fetches only what changed
            Path lists = Files.createDirectories(work.resolve("apt-lists/partial")).getParent();
            Path archives = Files.createDirectories(work.resolve("apt-archives/partial")).getParent();
            debian.mount("lists", "var/lib/apt/lists", "--bind", lists.toString());
            debian.mount("archives", "var/cache/apt/archives", "--bind", archives.toString());
            Files.copy(Path.of("/etc/resolv.conf"), root.resolve("etc/resolv.conf"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            // as the Debian installer writes it: Payara Micro refuses to start when the host name does not resolve
            String host = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            Files.writeString(root.resolve("etc/hosts"), "127.0.0.1\tlocalhost\n127.0.1.1\t" + host + "\n"
                    + "::1\tlocalhost ip6-localhost ip6-loopback\n");
        } catch (IOException | RuntimeException e) {
            debian.close();
            throw e;
        }
        return debian;
    }

    private void mount(String what, String at, String... args) {
        Path point = root.resolve(at).normalize();
        List<String> command = new ArrayList<>(List.of("mount"));
        command.addAll(List.of(args));
        command.add(point.toString());
        Cmd.must(30, command.toArray(String[]::new));
        mounts.push(point);
    }

    /** A command inside the root as root, with apt's non-interactive settings. */
    Cmd.Result run(int seconds, String... command) {
        List<String> all = new ArrayList<>(List.of("chroot", root.toString(), "/usr/bin/env", "-i",
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8",
                "DEBIAN_FRONTEND=noninteractive", "HOME=/root"));
        all.addAll(List.of(command));
        return Cmd.run(seconds, all.toArray(String[]::new));
    }

    String must(int seconds, String... command) {
        Cmd.Result r = run(seconds, command);
        if (!r.ok()) {
            throw new AssertionError(String.join(" ", command) + " failed (" + r.exit() + "):\n" + r.output());
        }
        return r.output();
    }

    /** A path inside the root as seen from outside. */
    Path path(String inside) {
        return root.resolve(inside.startsWith("/") ? inside.substring(1) : inside);
    }

    @Override
    public void close() {
        killProcessesInside();
        while (!mounts.isEmpty()) {
            Path point = mounts.pop();
            if (!Cmd.run(30, "umount", point.toString()).ok()) {
                Cmd.run(30, "umount", "-l", point.toString());
            }
        }
        List<String> left = mountedUnder(root);
        if (!left.isEmpty()) {
            throw new AssertionError("still mounted under " + root + ": " + left);
        }
    }

    /** Processes whose root directory is this root (a server the test started and lost), killed. */
    private void killProcessesInside() {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).forEach(p -> {
                try {
                    if (Files.readSymbolicLink(p.resolve("root")).equals(root)) {
                        ProcessHandle.of(Long.parseLong(p.getFileName().toString()))
                                .ifPresent(ProcessHandle::destroyForcibly);
                    }
                } catch (IOException | UnsupportedOperationException gone) {
                    // exited meanwhile, or not ours to see
                }
            });
        } catch (IOException e) {
            // no /proc: nothing to look at
        }
        for (int i = 0; i < 50 && stillInside(); i++) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private boolean stillInside() {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).anyMatch(p -> {
                try {
                    return Files.readSymbolicLink(p.resolve("root")).equals(root);
                } catch (IOException | UnsupportedOperationException gone) {
                    return false;
                }
            });
        } catch (IOException e) {
            return false;
        }
    }

    /** Never delete a folder with /dev bound inside: rm would empty the host's /dev. */
    private static void requireUnmounted(Path dir) {
        List<String> left = mountedUnder(dir);
        if (!left.isEmpty()) {
            throw new IllegalStateException("refusing to delete " + dir + ": still mounted inside: " + left);
        }
    }

    static List<String> mountedUnder(Path dir) {
        String prefix = dir.toAbsolutePath().normalize().toString();
        try {
            return Files.readAllLines(Path.of("/proc/self/mounts")).stream().map(l -> l.split(" ")[1])
                    .map(m -> m.replace("\\040", " ")).filter(m -> m.equals(prefix) || m.startsWith(prefix + "/"))
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The Debian mirror of this machine's apt sources that carries bookworm (one-line or deb822 format). */
    static String mirror() {
        List<Path> files = new ArrayList<>();
        files.add(Path.of("/etc/apt/sources.list"));
        try (Stream<Path> d = Files.list(Path.of("/etc/apt/sources.list.d"))) {
            d.sorted().forEach(files::add);
        } catch (IOException none) {
            // only sources.list
        }
        for (Path file : files) {
            try {
                String text = Files.readString(file);
                String found = file.toString().endsWith(".sources") ? fromDeb822(text) : fromOneLine(text);
                if (found != null) {
                    return found;
                }
            } catch (IOException unreadable) {
                // next file
            }
        }
        return FALLBACK_MIRROR;
    }

    private static final Pattern ONE_LINE = Pattern.compile(
            "^deb\\s+(?:\\[[^]]*]\\s+)?(\\S+)\\s+" + SUITE + "\\s+.*\\bmain\\b", Pattern.MULTILINE);

    static String fromOneLine(String text) {
        Matcher m = ONE_LINE.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    static String fromDeb822(String text) {
        for (String stanza : text.split("\\n\\s*\\n")) {
            String types = field(stanza, "Types");
            String uris = field(stanza, "URIs");
            String suites = field(stanza, "Suites");
            String components = field(stanza, "Components");
            if (types != null && List.of(types.split("\\s+")).contains("deb") && uris != null && suites != null
                    && List.of(suites.split("\\s+")).contains(SUITE) && components != null
                    && List.of(components.split("\\s+")).contains("main")) {
                return uris.split("\\s+")[0];
            }
        }
        return null;
    }

    private static String field(String stanza, String name) {
        Matcher m = Pattern.compile("^" + name + ":\\s*(.+)$", Pattern.MULTILINE).matcher(stanza);
        return m.find() ? m.group(1).strip() : null;
    }
}
