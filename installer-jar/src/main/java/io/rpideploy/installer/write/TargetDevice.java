package io.rpideploy.installer.write;

import io.rpideploy.installer.report.ExitCode;
import io.rpideploy.installer.report.InstallException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The device (or plain file) the image goes to, and the checks that refuse it. Everything the checks read
 * ({@code /proc/mounts}, {@code /proc/swaps}, {@code /sys/class/block}) comes from {@link SystemFiles}, so tests
 * can point them elsewhere.
 */
public record TargetDevice(Path path, boolean blockDevice, String kernelName, long size) {

    /** Where the checks look; all overridable. */
    public record SystemFiles(Path devDir, Path procMounts, Path procSwaps, Path sysClassBlock) {
        public static SystemFiles defaults() {
            return new SystemFiles(Path.of("/dev"), Path.of("/proc/mounts"), Path.of("/proc/swaps"),
                    Path.of("/sys/class/block"));
        }
    }

    /** {@code auto}: /dev/mmcblk0 then /dev/nvme0n1 ({@code prefer=sd}), or the other way round. */
    public static Path choose(String spec, String prefer, SystemFiles sys) throws InstallException {
        if (!"auto".equals(spec)) {
            return Path.of(spec);
        }
        List<String> order = "nvme".equals(prefer) ? List.of("nvme0n1", "mmcblk0") : List.of("mmcblk0", "nvme0n1");
        for (String name : order) {
            Path p = sys.devDir().resolve(name);
            if (Files.exists(p)) {
                return p;
            }
        }
        throw new InstallException(ExitCode.DEVICE_REFUSED, "no target found: neither " + sys.devDir().resolve(order.get(0))
                + " nor " + sys.devDir().resolve(order.get(1)) + " exists (SD card or NVMe missing?)");
    }

    /** Looks at {@code path}: refuses a missing, read-only, mounted, swapped-on or system device. */
    public static TargetDevice inspect(Path path, SystemFiles sys) throws InstallException {
        if (!Files.exists(path)) {
            if (path.getParent() != null && Files.isDirectory(path.getParent()) && !path.startsWith("/dev/")) {
                return new TargetDevice(path, false, null, -1);
            }
            throw new InstallException(ExitCode.DEVICE_REFUSED, "target " + path + " does not exist");
        }
        Path real;
        boolean block;
        try {
            real = path.toRealPath();
            int mode = (Integer) Files.getAttribute(real, "unix:mode");
            block = (mode & 0170000) == 0060000;
            if (!block && !Files.isRegularFile(real)) {
                throw new InstallException(ExitCode.DEVICE_REFUSED, "target " + path
                        + " is neither a block device nor a regular file");
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new InstallException(ExitCode.DEVICE_REFUSED, "cannot examine target " + path + ": " + e);
        }
        if (!block) {
            return new TargetDevice(real, false, null, -1);
        }
        String name = real.getFileName().toString();
        Path sysDir = sys.sysClassBlock().resolve(name);
        long size;
        try {
            size = Long.parseLong(Files.readString(sysDir.resolve("size")).trim()) * 512;
        } catch (IOException | NumberFormatException e) {
            throw new InstallException(ExitCode.DEVICE_REFUSED, "cannot read the size of " + real + " from " + sysDir);
        }
        if (Files.exists(sysDir.resolve("partition"))) {
            throw new InstallException(ExitCode.DEVICE_REFUSED, real + " is a partition; give the whole device");
        }
        if (readQuietly(sysDir.resolve("ro")).equals("1")) {
            throw new InstallException(ExitCode.DEVICE_REFUSED, real + " is read-only (write-protect switch?)");
        }
        if (size == 0) {
            throw new InstallException(ExitCode.DEVICE_REFUSED, real + " has no medium (size 0)");
        }
        TargetDevice target = new TargetDevice(real, true, name, size);
        target.checkNotInUse(sys);
        return target;
    }

    /** Refuses when the device or one of its partitions is the root fs, mounted, swap, or held by dm/md. */
    void checkNotInUse(SystemFiles sys) throws InstallException {
        List<String[]> mounts = table(sys.procMounts());
        for (String[] m : mounts) {
            if (m.length > 1 && m[1].equals("/") && isThisOrPart(m[0], sys)) {
                throw new InstallException(ExitCode.DEVICE_REFUSED, path + " holds the running system (" + m[0]
                        + " is mounted on /)");
            }
        }
        for (String[] m : mounts) {
            if (m.length > 1 && isThisOrPart(m[0], sys)) {
                throw new InstallException(ExitCode.DEVICE_REFUSED, path + " is in use: " + unescape(m[0])
                        + " is mounted on " + unescape(m[1]));
            }
        }
        for (String[] s : table(sys.procSwaps())) {
            if (isThisOrPart(s[0], sys)) {
                throw new InstallException(ExitCode.DEVICE_REFUSED, path + " is in use: " + s[0] + " is swap");
            }
        }
        try (var holders = Files.list(sys.sysClassBlock().resolve(kernelName).resolve("holders"))) {
            String holder = holders.map(p -> p.getFileName().toString()).findFirst().orElse(null);
            if (holder != null) {
                throw new InstallException(ExitCode.DEVICE_REFUSED, path + " is in use by " + holder);
            }
        } catch (IOException e) {
            // no holders directory: nothing stacked on it
        }
    }

    private boolean isThisOrPart(String source, SystemFiles sys) {
        String src = unescape(source);
        if (!src.startsWith("/")) {
            return false;
        }
        String name;
        try {
            name = Path.of(src).toRealPath().getFileName().toString();
        } catch (IOException e) {
            name = Path.of(src).getFileName() == null ? src : Path.of(src).getFileName().toString();
        }
        if (name.equals(kernelName)) {
            return true;
        }
        if (Files.isDirectory(sys.sysClassBlock().resolve(kernelName).resolve(name))) {
            return true;
        }
        // a loop device (e.g. mount -o loop,offset=) whose backing file is this device
        String backing = readQuietly(sys.sysClassBlock().resolve(name).resolve("loop/backing_file"));
        if (!backing.isEmpty() && Path.of(backing).equals(path)) {
            return true;
        }
        if (!name.startsWith(kernelName)) {
            return false;
        }
        String rest = name.substring(kernelName.length());
        return Character.isDigit(kernelName.charAt(kernelName.length() - 1)) ? rest.matches("p\\d+")
                : rest.matches("\\d+");
    }

    private static List<String[]> table(Path file) {
        try {
            return Files.readAllLines(file).stream().map(String::trim).filter(l -> !l.isEmpty())
                    .map(l -> l.split("\\s+")).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p).trim();
        } catch (IOException e) {
            return "";
        }
    }

    /** Refuses a block device smaller than {@code needed} bytes. */
    public void checkSize(long needed) throws InstallException {
        if (blockDevice && needed > size) {
            throw new InstallException(ExitCode.DEVICE_REFUSED, String.format(Locale.ROOT,
                    "%s is too small: %,d bytes, the image needs %,d", path, size, needed));
        }
    }

    @Override
    public String toString() {
        return path + (blockDevice ? String.format(Locale.ROOT, " (block device, %,d MiB)", size >> 20) : " (file)");
    }
}
