package io.rpideploy.dist;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian 12's arm64 cloud kernel ({@code linux-image-<release>-cloud-arm64}), fetched with a private apt state (the
 * machine's apt configuration is not touched) into {@code ~/.cache/rpi-deploy/virtual-pi}, which keeps one kernel
 * package: an older one is removed when Debian has moved on. Unpacked with {@code dpkg-deb -x}; the package ships
 * no modules.dep (its postinst runs depmod), so depmod writes one, as on an installed system.
 */
final class DebianKernel {

    /** The unpacked package: {@code boot/vmlinuz-<release>} and {@code lib/modules/<release>/}. */
    final Path root;
    final String release;
    final String packageFile;

    private DebianKernel(Path root, String release, String packageFile) {
        this.root = root;
        this.release = release;
        this.packageFile = packageFile;
    }

    Path vmlinuz() {
        return root.resolve("boot/vmlinuz-" + release);
    }

    Path modules() {
        return root.resolve("lib/modules/" + release);
    }

    static Path cache() {
        return Path.of(System.getProperty("user.home"), ".cache", "rpi-deploy", "virtual-pi");
    }

    static DebianKernel fetch(Path unpackInto) throws IOException {
        Path cache = cache();
        Path apt = cache.resolve("apt");
        Path debs = Files.createDirectories(cache.resolve("debs"));
        Files.createDirectories(apt.resolve("lists/partial"));
        Files.createDirectories(apt.resolve("cache/archives/partial"));
        if (!Files.exists(apt.resolve("status"))) {
            Files.createFile(apt.resolve("status"));
        }
        List<String> opts = aptOptions(apt);
        if (!hasLists(apt.resolve("lists"))) {
            Cmd.must(600, concat(List.of("apt-get"), opts, List.of("update")));
        }
        String depends = Cmd.must(60, concat(List.of("apt-cache"), opts, List.of("depends", "linux-image-cloud-arm64")));
        Matcher m = Pattern.compile("Depends: (linux-image-([0-9][^\\s]*-cloud-arm64))\\s").matcher(depends + "\n");
        if (!m.find()) {
            throw new IllegalStateException("no cloud kernel package in: " + depends);
        }
        String pkg = m.group(1);
        String release = m.group(2);
        Path deb = download(opts, debs, pkg);
        // bounded: one kernel package in the cache (and one grub, below)
        try (DirectoryStream<Path> all = Files.newDirectoryStream(debs, "linux-image-*.deb")) {
            for (Path old : all) {
                if (!old.equals(deb)) {
                    Files.delete(old);
                }
            }
        }
        Files.createDirectories(unpackInto);
        Cmd.must(120, "dpkg-deb", "-x", deb.toString(), unpackInto.toString());
        Cmd.must(120, "depmod", "-b", unpackInto.toString(), release);
        return new DebianKernel(unpackInto, release, deb.getFileName().toString());
    }

    /** Downloads an arm64 package into the cache (once) and unpacks it; for the extra pieces (grub). */
    static Path fetchPackage(String pkg, Path unpackInto) throws IOException {
        Path apt = cache().resolve("apt");
        Path debs = Files.createDirectories(cache().resolve("debs"));
        Path deb = download(aptOptions(apt), debs, pkg);
        Files.createDirectories(unpackInto);
        Cmd.must(120, "dpkg-deb", "-x", deb.toString(), unpackInto.toString());
        return unpackInto;
    }

    private static Path download(List<String> opts, Path debs, String pkg) throws IOException {
        Path deb = find(debs, pkg + "_");
        if (deb == null) {
            Cmd.must(600, debs, concat(List.of("apt-get"), opts, List.of("download", pkg + ":arm64")));
            deb = find(debs, pkg + "_");
            if (deb == null) {
                throw new IllegalStateException("apt-get download " + pkg + " left no .deb in " + debs);
            }
        }
        try (DirectoryStream<Path> versions = Files.newDirectoryStream(debs, pkg + "_*.deb")) {
            for (Path old : versions) {
                if (!old.equals(deb)) {
                    Files.delete(old); // Debian moved on: keep one version
                }
            }
        }
        return deb;
    }

    private static List<String> aptOptions(Path apt) {
        return List.of("-q", "-o", "APT::Architecture=arm64", "-o", "APT::Architectures::=arm64",
                "-o", "Dir::State::Lists=" + apt.resolve("lists"), "-o", "Dir::Cache=" + apt.resolve("cache"),
                "-o", "Dir::State::status=" + apt.resolve("status"), "-o", "Debug::NoLocking=1",
                "-o", "APT::Sandbox::User=root");
    }

    /** Whether the file starts gzip-compressed (then a Pi OS boot partition holds the decompressed Image). */
    static boolean gzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    private static boolean hasLists(Path lists) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(lists, "*_Packages*")) {
            return files.iterator().hasNext();
        }
    }

    private static Path find(Path dir, String prefix) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, prefix + "*_arm64.deb")) {
            for (Path f : files) {
                return f;
            }
        }
        return null;
    }

    @SafeVarargs
    private static String[] concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> p : parts) {
            all.addAll(p);
        }
        return all.toArray(String[]::new);
    }
}
