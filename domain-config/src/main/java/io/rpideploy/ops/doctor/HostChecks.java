package io.rpideploy.ops.doctor;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The host under the server: free disk where the data and images live, and a clock that can be believed. */
public final class HostChecks {

    /** Under this the server's own health says "low" and an upload fails: a failure here. */
    static final long FAIL_FREE_BYTES = 1L << 30;
    /** No release of this software was built before this day: a clock behind it is wrong (no RTC, no NTP). */
    static final Instant CLOCK_FLOOR = Instant.parse("2025-01-01T00:00:00Z");
    /** How far the newest stored record may lie in the future before the clock counts as gone backwards. */
    static final Duration SKEW = Duration.ofMinutes(5);

    private HostChecks() {
    }

    /** "free disk (data)": usable bytes of the file system holding {@code dir} against the two limits. */
    public static Finding disk(String what, Path dir, long warnBelow) {
        String check = "free disk (" + what + ")";
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return Finding.fail(check, dir + " does not exist", "is RPIDEPLOY_HOME right?");
        }
        // statvfs through File, not FileStore: FileStore looks the mount up in /proc/mounts, which a chroot lacks
        File at = existing.toFile();
        long total = at.getTotalSpace();
        if (total == 0) {
            return Finding.fail(check, "cannot read the file system of " + dir, null);
        }
        return disk(check, dir, at.getUsableSpace(), total, warnBelow);
    }

    static Finding disk(String check, Path dir, long free, long total, long warnBelow) {
        String text = gib(free) + " GiB free of " + gib(total) + " GiB in " + dir;
        if (free < FAIL_FREE_BYTES) {
            return Finding.fail(check, text, "free space: delete old images (console) or grow the disk");
        }
        if (free < warnBelow) {
            return Finding.warn(check, text + " (less than " + gib(warnBelow) + " GiB: the next image may not fit)",
                    "delete old images or grow the disk (limit: RPIDEPLOY_DOCTOR_MIN_FREE_GIB)");
        }
        return Finding.ok(check, text);
    }

    private static String gib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / (double) (1L << 30));
    }

    /**
     * "clock": after the floor, not behind the newest record the server stored (a clock that went backwards
     * breaks time ranges and the deployment log), and synchronised when the host can say so.
     */
    public static Finding clock(Instant now, Optional<Instant> newestRecord, Optional<Boolean> synchronised) {
        String check = "clock";
        if (now.isBefore(CLOCK_FLOOR)) {
            return Finding.fail(check, "the clock says " + now + ", before this release existed",
                    "set the time (timedatectl set-ntp true, or date -s) and restart the service");
        }
        if (newestRecord.isPresent() && newestRecord.get().isAfter(now.plus(SKEW))) {
            return Finding.fail(check, "the clock says " + now + " but the database holds a record of "
                    + newestRecord.get() + ": the clock went backwards", "set the time right (NTP)");
        }
        if (synchronised.isPresent() && !synchronised.get()) {
            return Finding.warn(check, now + ", not synchronised (NTP)",
                    "timedatectl set-ntp true, or configure chrony/systemd-timesyncd");
        }
        return Finding.ok(check, now + (synchronised.isPresent() ? ", synchronised" : " (synchronisation not known)"));
    }

    /** "host name": it resolves, else Payara Micro stops at its start (UnknownHostException in the log). */
    public static Finding hostName() {
        String check = "host name";
        try {
            java.net.InetAddress self = java.net.InetAddress.getLocalHost();
            return Finding.ok(check, self.getHostName() + " resolves to " + self.getHostAddress());
        } catch (java.net.UnknownHostException e) {
            return Finding.fail(check, "the host name does not resolve: " + e.getMessage(),
                    "add '127.0.1.1 <host name>' to /etc/hosts (the server does not start without it)");
        }
    }

    /** The newest audit record's time: the server writes one for every change. */
    public static Optional<Instant> newestRecord(Path database) {
        if (!Files.isRegularFile(database)) {
            return Optional.empty();
        }
        try (Connection connection = DatabaseChecks.open(database);
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT max(at) FROM audit_event")) {
            return result.next() && result.getString(1) != null
                    ? Optional.of(Instant.parse(result.getString(1))) : Optional.empty();
        } catch (SQLException | DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** systemd's view (timesyncd's flag file, else timedatectl's NTPSynchronized); empty when there is none. */
    public static Optional<Boolean> synchronised() {
        if (Files.exists(Path.of("/run/systemd/timesync/synchronized"))) {
            return Optional.of(true);
        }
        if (!Files.isDirectory(Path.of("/run/systemd/system"))) {
            return Optional.empty();
        }
        try {
            Process p = new ProcessBuilder("timedatectl", "show", "-p", "NTPSynchronized", "--value")
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.exitValue() == 0 && (out.equals("yes") || out.equals("no"))
                    ? Optional.of(out.equals("yes")) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
