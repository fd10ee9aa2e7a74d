package io.rpideploy.platform.control;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The HTTP access log's files: {@code access-<date>.log} in one folder, a new file each day (the date of the clock
 * the lines are stamped with), the newest {@code keep} kept. Each line is written out at once: a line is what an operator looks for
 * after a crash.
 */
public final class AccessLogFile implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AccessLogFile.class.getName());
    private static final String PREFIX = "access-";
    private static final String SUFFIX = ".log";

    private final Path dir;
    private final int keep;
    private final Clock clock;
    private LocalDate day;
    private BufferedWriter out;
    private boolean failed;

    public AccessLogFile(Path dir, int keep, Clock clock) {
        this.dir = dir;
        this.keep = Math.max(1, keep);
        this.clock = clock;
    }

    public synchronized void write(String line) {
        try {
            LocalDate today = LocalDate.now(clock);
            if (!today.equals(day)) {
                open(today);
            }
            out.write(line);
            out.write('\n');
            out.flush();
            failed = false;
        } catch (IOException e) {
            if (!failed) { // once, not once per request
                LOG.log(Level.WARNING, "access log: cannot write to {0}: {1}", new Object[] {dir, e.toString()});
                failed = true;
            }
            closeQuietly();
            day = null;
        }
    }

    private void open(LocalDate today) throws IOException {
        closeQuietly();
        Files.createDirectories(dir);
        out = Files.newBufferedWriter(dir.resolve(PREFIX + today + SUFFIX), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        day = today;
        try {
            prune();
        } catch (IOException e) {
            // an old file that cannot go: today's lines are still written
            LOG.log(Level.WARNING, "access log: cannot remove old files in {0}: {1}", new Object[] {dir, e.toString()});
        }
    }

    /** The oldest files beyond {@code keep}; ISO dates sort by name. */
    private void prune() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> {
                String name = p.getFileName().toString();
                return name.startsWith(PREFIX) && name.endsWith(SUFFIX);
            }).sorted().toList();
        }
        for (int i = 0; i < files.size() - keep; i++) {
            Files.deleteIfExists(files.get(i));
        }
    }

    private void closeQuietly() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // the file is gone or the disk is full: the next line opens it again
            }
            out = null;
        }
    }

    @Override
    public synchronized void close() {
        closeQuietly();
        day = null; // a line after this (a download ending during the stop) opens the file again
    }
}
